/** Picks the driver of the plan's traffic tool. */
import type { DriverContext, TrafficDriver } from './driver';
import { httpDriver } from './http';
import { iperf3Driver } from './iperf3';
import { transferDriver } from './transfer';

/** The driver for ctx.plan.traffic.tool. */
export function makeDriver(ctx: DriverContext): TrafficDriver {
  switch (ctx.plan.traffic.tool) {
    case 'http':
      return httpDriver(ctx);
    case 'iperf3':
      return iperf3Driver(ctx);
    case 'transfer':
      return transferDriver(ctx);
  }
}
