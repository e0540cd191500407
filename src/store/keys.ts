// Redis key layout. Every key of one monitor carries the monitor id as a hash tag, so that
// the Lua scripts that touch several of them run on one Redis Cluster slot.
// NOTE: the global indexes (`armed`, `outbox-pending`) are cross-slot with the monitor keys,
// and the start-up sweep SCANs one server's keyspace, so Drumbeat runs on a single Redis (or a
// primary with replicas), not yet on Cluster.

export class Keys {
  constructor(readonly prefix: string) {}

  monitor(id: string): string {
    return `${this.prefix}:m:{${id}}`;
  }
  /**
   * SCAN MATCH pattern of the monitor record keys. It also matches any other key of a monitor
   * whose name ends in `}`, which `monitorIdOf` rejects.
   */
  monitorPattern(): string {
    return `${escapeGlob(this.prefix)}:m:{*}`;
  }
  /** Returns the monitor id of a monitor record key, or null for any other key. */
  monitorIdOf(key: string): string | null {
    const start = `${this.prefix}:m:{`;
    if (!key.startsWith(start) || !key.endsWith('}')) return null;
    const id = key.slice(start.length, -1);
    return id.length > 0 && !id.includes('}') ? id : null;
  }
  pings(id: string): string {
    return `${this.prefix}:m:{${id}}:pings`;
  }
  incidents(id: string): string {
    return `${this.prefix}:m:{${id}}:incidents`;
  }
  outbox(id: string): string {
    return `${this.prefix}:m:{${id}}:outbox`;
  }
  pingRate(id: string, window: number): string {
    return `${this.prefix}:m:{${id}}:rate:${window}`;
  }
  delivery(id: string, incidentId: string): string {
    return `${this.prefix}:m:{${id}}:delivery:${incidentId}`;
  }
  deliveryLock(id: string, incidentId: string): string {
    return `${this.prefix}:m:{${id}}:delivery-lock:${incidentId}`;
  }
  /** Set before the first post of an incident's alert, so that a retry looks for the message. */
  deliveryAttempt(id: string, incidentId: string): string {
    return `${this.prefix}:m:{${id}}:delivery-attempt:${incidentId}`;
  }
  threadSent(id: string, incidentId: string): string {
    return `${this.prefix}:m:{${id}}:thread-sent:${incidentId}`;
  }
  /** Returns the key of the set of an incident's thread replies that a delivery tried to post. */
  threadTried(id: string, incidentId: string): string {
    return `${this.prefix}:m:{${id}}:thread-tried:${incidentId}`;
  }
  token(token: string): string {
    return `${this.prefix}:token:${token}`;
  }
  /**
   * Hash from ping token to monitor id, for the tokens that start with the same four hex
   * digits. Split in 65,536 small hashes, the index stays in Redis's compact hash encoding (at
   * most 128 fields each) up to about eight million monitors, where one key per token would
   * take about twice the memory.
   */
  tokenIndex(token: string): string {
    return `${this.prefix}:tokens:${token.slice(0, 4)}`;
  }
  teamNames(teamId: string): string {
    return `${this.prefix}:team:{${teamId}}:names`;
  }
  teamSettings(teamId: string): string {
    return `${this.prefix}:team:{${teamId}}:settings`;
  }
  pingKey(key: string): string {
    return `${this.prefix}:ping-key:${key}`;
  }
  /**
   * Set of every monitor id, which earlier versions kept for the start-up sweep. The sweep now
   * SCANs for monitor records instead, and deletes this set at start.
   */
  legacyMonitorSet(): string {
    return `${this.prefix}:monitors`;
  }
  /** Sorted set of monitor ids by the time their deadline job should fire. */
  armed(): string {
    return `${this.prefix}:armed`;
  }
  /** Set of monitor ids whose outbox may hold effects not yet queued. */
  outboxPending(): string {
    return `${this.prefix}:outbox-pending`;
  }
  /** When web processes last beat, and since when they run, to detect Drumbeat's downtime. */
  ingestHeartbeat(): string {
    return `${this.prefix}:ingest-heartbeat`;
  }
  /** Key of the public URL of the last web process that started, for the command line. */
  servicePublicUrl(): string {
    return `${this.prefix}:public-url`;
  }
  /** BullMQ's prefix, so that its keys sit beside Drumbeat's. */
  queuePrefix(): string {
    return `${this.prefix}:bull`;
  }
}

/** Escapes the characters that SCAN MATCH and KEYS patterns treat as glob syntax. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
