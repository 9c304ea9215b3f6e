// Preloaded (`node --import`) into the preplan nodes a cluster starts (test/support/cluster.ts):
// a node started with an IPC channel exits when its parent goes away, so a test or bench that
// crashes or is interrupted leaves no node running against a store that is gone.
if (process.send) {
  process.on('disconnect', () => process.exit(1));
  // The channel alone must not keep a node alive that would otherwise end.
  process.channel?.unref();
}
