/** lab/loader: YAML topology → frozen Plan, with every problem located (file:line:col and YAML path). */
export { loadTopologyFile, loadTopologyText, type LoadOptions } from './load';
export { displayPath, listTopologyFiles, topologyPath, TOPOLOGIES_DIR } from './topology-files';
export { describeBound, describeCheck, describeImpairment } from './describe';
