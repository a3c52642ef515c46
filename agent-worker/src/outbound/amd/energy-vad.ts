/**
 * A level VAD against a tracked noise floor, for telephone audio after answer.
 *
 * The floor follows the quietest recent level: it drops at once to any quieter window and rises
 * slowly (`floorRiseDbPerS`) through louder ones, so steady line noise becomes the floor while
 * speech, which keeps returning to the floor between syllables, stays above it. A window is voiced
 * when its level is `marginDb` above the floor and above `minSpeechDb`; once voiced, the margin
 * drops by `hysteresisDb` so the quiet ends of words stay voiced.
 */

export interface EnergyVadParams {
  /** Level above the noise floor that starts speech, dB. */
  marginDb: number;
  /** The margin is this much lower while speech continues, dB. */
  hysteresisDb: number;
  /** Nothing quieter than this is speech, dBFS. */
  minSpeechDb: number;
  /** How fast the floor may rise through louder audio, dB per second. */
  floorRiseDbPerS: number;
  /** The floor never goes below this, dBFS (digital silence would otherwise make any hiss speech). */
  floorMinDb: number;
}

export class EnergyVad {
  readonly #p: EnergyVadParams;
  #floorDb: number | null = null;
  #voiced = false;

  constructor(params: EnergyVadParams) {
    this.#p = params;
  }

  /** Current noise floor, dBFS (the `floorMinDb` before the first window). */
  get noiseFloorDb(): number {
    return this.#floorDb ?? this.#p.floorMinDb;
  }

  /**
   * Updates the floor with one window's level (dBFS) and says whether that window is voiced.
   * `durationMs` is the window's length. `excluded`: the window is a tone, neither speech nor floor.
   */
  push(levelDb: number, durationMs: number, excluded = false): boolean {
    const p = this.#p;
    if (excluded) {
      this.#voiced = false;
      return false;
    }
    const level = Math.max(levelDb, p.floorMinDb);
    if (this.#floorDb === null || level < this.#floorDb) this.#floorDb = level;
    else this.#floorDb = Math.min(level, this.#floorDb + (p.floorRiseDbPerS * durationMs) / 1000);
    const margin = this.#voiced ? p.marginDb - p.hysteresisDb : p.marginDb;
    this.#voiced = levelDb >= p.minSpeechDb && levelDb >= this.#floorDb + margin;
    return this.#voiced;
  }
}
