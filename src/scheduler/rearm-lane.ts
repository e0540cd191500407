// Deadline jobs hand their re-arming to this lane once their alert is out, and wait for the
// burst to end before they return to BullMQ. When many deadlines pass at once (every monitor of
// one cron schedule at 02:00), the re-arms of the first jobs, and BullMQ's script that closes
// each job, would otherwise take processor time from the alerts of the later ones. Holding them
// back until no job is before its chat call sends every alert of the burst first.
//
// A re-arm that never runs (a crash, Redis gone) leaves the monitor's armed fire time in the
// past with no job behind it. The sweep finds such a fire time once it is overdue and adds its
// job again, which re-arms as any deadline job does.

/** A re-arm handed over by a deadline job. It logs its own failure instead of rejecting. */
export type RearmTask = () => Promise<void>;

export interface RearmLaneOptions {
  /** The maximum number of re-arms that run at once. Default 100. */
  concurrency?: number;
  /** The maximum time a re-arm, or a wait for the burst's end, waits for busy jobs, in ms. */
  maxWaitMs?: number | undefined;
  clock?: () => number;
}

/** Started re-arms at the front of the queue after which it is compacted while others are held. */
const COMPACT_AFTER = 1024;

interface PendingRearm {
  task: RearmTask;
  since: number;
}

/**
 * Holds re-arms while any deadline job is before its chat call, then runs them. A job calls
 * `enter` when it starts and the function it returns once the urgent part is done.
 */
export class RearmLane {
  private readonly concurrency: number;
  private readonly maxWaitMs: number;
  private readonly clock: () => number;
  /** Re-arms in the order they came. Those before `head` have started. */
  private pending: (PendingRearm | undefined)[] = [];
  private head = 0;
  private busy = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private idle: (() => void)[] = [];
  /** Waits for the end of the burst, oldest first, and the timer for the oldest one's max wait. */
  private burstWaits: { since: number; resolve: () => void }[] = [];
  private burstTimer: NodeJS.Timeout | null = null;

  constructor(options: RearmLaneOptions = {}) {
    this.concurrency = options.concurrency ?? 100;
    this.maxWaitMs = options.maxWaitMs ?? 5000;
    this.clock = options.clock ?? Date.now;
  }

  /** Re-arms held and not yet started. */
  get waiting(): number {
    return this.pending.length - this.head;
  }

  /** Marks a job as before its chat call. The returned function ends that; extra calls do nothing. */
  enter(): () => void {
    this.busy++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.busy--;
      if (this.busy === 0) {
        this.endBurst();
        this.pump();
      }
    };
  }

  /** Resolves once no job is before its chat call, or after the max wait. Never rejects. */
  burstOver(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.burstWaits.push({ since: this.clock(), resolve });
      this.scheduleBurstEnd();
    });
  }

  add(task: RearmTask): void {
    this.pending.push({ task, since: this.clock() });
    this.pump();
  }

  /** Runs every held re-arm, busy jobs or not, and resolves once none is held or running. */
  async drain(): Promise<void> {
    while (this.waiting > 0 || this.running > 0) {
      const done = new Promise<void>((resolve) => this.idle.push(resolve));
      this.pump(true);
      await done;
    }
  }

  private pump(force = false): void {
    while (this.running < this.concurrency && this.waiting > 0) {
      const next = this.pending[this.head]!;
      if (!force && this.busy > 0 && this.clock() - next.since < this.maxWaitMs) break;
      this.pending[this.head++] = undefined;
      this.start(next.task);
    }
    // Under steady load some re-arm is always held, so the queue is also compacted once its
    // started re-arms are at least half of it, not only when it empties.
    if (
      this.head > 0 &&
      (this.waiting === 0 || this.head >= Math.max(COMPACT_AFTER, this.waiting))
    ) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    this.schedule(force);
  }

  private start(task: RearmTask): void {
    this.running++;
    const finished = () => {
      this.running--;
      if (this.running === 0 && this.waiting === 0) {
        for (const resolve of this.idle.splice(0)) resolve();
      }
      this.pump(this.idle.length > 0);
    };
    task().then(finished, finished);
  }

  /** Ends every wait for the end of the burst now, busy jobs or not. */
  endBurst(): void {
    this.endBurstWaits(true);
  }

  /** Ends every wait for the burst, or with `all` false those whose max wait is over. */
  private endBurstWaits(all: boolean): void {
    if (this.burstTimer !== null) {
      clearTimeout(this.burstTimer);
      this.burstTimer = null;
    }
    const now = this.clock();
    let ended = 0;
    while (ended < this.burstWaits.length) {
      const wait = this.burstWaits[ended]!;
      if (!all && now - wait.since < this.maxWaitMs) break;
      wait.resolve();
      ended++;
    }
    this.burstWaits.splice(0, ended);
    this.scheduleBurstEnd();
  }

  /** Sets a timer for the end of the oldest wait for the burst. */
  private scheduleBurstEnd(): void {
    if (this.burstTimer !== null || this.burstWaits.length === 0) return;
    const waitMs = Math.max(0, this.burstWaits[0]!.since + this.maxWaitMs - this.clock());
    this.burstTimer = setTimeout(() => {
      this.burstTimer = null;
      this.endBurstWaits(false);
    }, waitMs);
    this.burstTimer.unref();
  }

  /** Sets a timer for the end of the oldest held re-arm's max wait, while busy jobs hold it. */
  private schedule(force: boolean): void {
    if (this.timer !== null || force || this.waiting === 0 || this.busy === 0) return;
    if (this.running >= this.concurrency) return;
    const waitMs = Math.max(0, this.pending[this.head]!.since + this.maxWaitMs - this.clock());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, waitMs);
    this.timer.unref();
  }
}
