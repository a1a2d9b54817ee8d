// Jest runs tests in a vm context whose Symbol lacks Node 20's asyncDispose/dispose
// polyfills; `await using` in the suites needs them (the real CLI runs in the main realm).
Symbol.asyncDispose ??= Symbol('Symbol.asyncDispose');
Symbol.dispose ??= Symbol('Symbol.dispose');
