import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real Redis, which can cut a connection after Redis has
 * run a command but before its reply reaches the client, as a network failure does.
 */
export class ReplyCuttingProxy {
  /** The number of connections cut since the last `cutReplyTo`: 0 or 1. */
  cut = 0;
  private match: ((request: string) => boolean) | null = null;
  private refuseMs = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(redisPort: number): Promise<ReplyCuttingProxy> {
    let proxy: ReplyCuttingProxy | null = null;
    const server = createServer((client) => proxy?.pipe(client, redisPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy = new ReplyCuttingProxy(server, address.port);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Cuts the connection of the next request that `match` accepts (its bytes as latin1 text).
   * Redis still gets the request and runs it. Every reply on that connection from then on is
   * dropped, and both sides are closed 200 ms later. With `refuseMs`, the proxy then refuses
   * connections for that long, as a host that is down does.
   */
  cutReplyTo(match: (request: string) => boolean, { refuseMs = 0 } = {}): void {
    this.match = match;
    this.refuseMs = refuseMs;
    this.cut = 0;
  }

  /** Stops listening for `ms`, so that a connect gets ECONNREFUSED, then listens again. */
  private refuse(ms: number): void {
    this.server.close();
    setTimeout(() => this.server.listen(this.port, '127.0.0.1'), ms).unref();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private pipe(client: Socket, redisPort: number): void {
    const redis = new Socket();
    this.sockets.add(client).add(redis);
    let cutting = false;
    const closeBoth = () => {
      client.destroy();
      redis.destroy();
      this.sockets.delete(client);
      this.sockets.delete(redis);
    };
    client.on('data', (chunk: Buffer) => {
      if (!cutting && this.match?.(chunk.toString('latin1'))) {
        this.match = null;
        cutting = true;
        this.cut++;
        setTimeout(() => {
          if (this.refuseMs > 0) this.refuse(this.refuseMs);
          closeBoth();
        }, 200);
      }
      redis.write(chunk);
    });
    redis.on('data', (chunk: Buffer) => {
      if (!cutting) client.write(chunk);
    });
    client.on('error', closeBoth).on('close', closeBoth);
    redis.on('error', closeBoth).on('close', closeBoth);
    redis.connect(redisPort, '127.0.0.1');
  }
}
