/**
 * A Lambda handler built on its first invocation and kept for the process's next ones: the deps (config,
 * clients) are read once per cold start, and a module that is only imported (a test, a bundle check) reads nothing.
 */
export function lazyHandler<Args extends unknown[], Result>(
  build: () => (...args: Args) => Result,
): (...args: Args) => Result {
  let handler: ((...args: Args) => Result) | undefined;
  return (...args) => {
    handler ??= build();
    return handler(...args);
  };
}
