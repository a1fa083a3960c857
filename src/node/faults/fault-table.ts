// The link faults a node applies to what it sends (Toxiproxy's model: per link, per direction) and the
// partition it is in: a fault per peer, one for every other link (`*`), the peers it is cut off from, and
// the seed its loss and jitter draw from (per link, so a run can be repeated). Faults live in memory: a
// restarted node has none, but for what it was started with (--faults).

import { describeFault, isNoFault, type LinkFault, NO_FAULT } from '../../protocol/fault-spec.js';
import { createPrng, type Rng } from '../../topology/prng.js';
import { ShapedOutput } from './shaped-output.js';

export interface FaultTableOptions {
  self: number;
  /** The bounds of one peer's queue: lines that wait for a fault count against them. */
  maxLines: number;
  maxBytes: number;
  /** ms, monotonic. */
  now: () => number;
  onDrop(peer: number, reason: 'lost' | 'overflow'): void;
}

export interface FaultView {
  /** The fault of every link that has one of its own. */
  links: Array<{ peer: number; fault: LinkFault; description: string }>;
  /** The fault of every other link. */
  all: LinkFault;
  /** The nodes this node is cut off from by a partition. */
  cut: number[];
  seed: number;
}

export class FaultTable {
  private readonly ownFaults = new Map<number, LinkFault>();
  private readonly outputs = new Map<number, ShapedOutput>();
  private readonly randoms = new Map<number, Rng>();
  private allFault: LinkFault = NO_FAULT;
  private cutIds = new Set<number>();
  private seed: number;

  constructor(private readonly options: FaultTableOptions) {
    this.seed = options.self;
  }

  /** Any fault at all on any link: else lines go straight to the socket. */
  get active(): boolean {
    return this.ownFaults.size > 0 || this.outputs.size > 0 || !isNoFault(this.allFault);
  }

  faultOf(peer: number): LinkFault {
    return this.ownFaults.get(peer) ?? this.allFault;
  }

  isCut(peer: number): boolean {
    return this.cutIds.has(peer);
  }

  /** Sets the fault of the link to `peer`, or of every link (`*`); a new seed restarts every link's draws. */
  set(target: number | '*', fault: LinkFault, seed?: number): void {
    if (seed !== undefined && seed !== this.seed) {
      this.seed = seed;
      this.randoms.clear();
    }
    if (target === '*') {
      this.allFault = fault;
      this.ownFaults.clear();
    } else if (isNoFault(fault)) this.ownFaults.delete(target);
    else this.ownFaults.set(target, fault);
    for (const [peer, output] of this.outputs) this.refresh(peer, output);
  }

  /** The partition: the nodes this one is cut off from (empty: healed). */
  cut(ids: Iterable<number>): void {
    this.cutIds = new Set(ids);
  }

  /** Passes a line this node writes to `peer` through that link's fault (at once when it has none). */
  send(peer: number, line: string, deliver: (line: string) => void): void {
    const fault = this.faultOf(peer);
    const output = this.outputs.get(peer);
    if (output !== undefined) output.send(line, deliver);
    else if (isNoFault(fault)) deliver(line);
    else this.newOutput(peer, fault).send(line, deliver);
  }

  view(): FaultView {
    return {
      links: [...this.ownFaults].map(([peer, fault]) => ({ peer, fault, description: describeFault(fault) })),
      all: this.allFault,
      cut: [...this.cutIds].sort((a, b) => a - b),
      seed: this.seed,
    };
  }

  private refresh(peer: number, output: ShapedOutput): void {
    const fault = this.faultOf(peer);
    output.setFault(fault);
    // A link whose fault is gone needs no output once nothing waits in it.
    if (isNoFault(fault) && output.queued === 0) {
      output.close();
      this.outputs.delete(peer);
    }
  }

  private newOutput(peer: number, fault: LinkFault): ShapedOutput {
    const output = new ShapedOutput(fault, {
      random: () => this.randomOf(peer)(),
      now: this.options.now,
      maxLines: this.options.maxLines,
      maxBytes: this.options.maxBytes,
      onDrop: (reason) => this.options.onDrop(peer, reason),
    });
    this.outputs.set(peer, output);
    return output;
  }

  /** Each link draws from its own source: (seed, this node, that peer) fix its sequence. */
  private randomOf(peer: number): Rng {
    let random = this.randoms.get(peer);
    if (random === undefined) {
      random = createPrng(Math.imul(this.seed, 0x9e3779b1) ^ Math.imul(this.options.self, 65_537) ^ peer);
      this.randoms.set(peer, random);
    }
    return random;
  }
}
