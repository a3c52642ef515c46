// AudioWorklet: reports when the agent's played audio rises above / falls below a level.
// RMS over 10 ms windows; onset = first window above the threshold after `holdMs` below it;
// end = `holdMs` of windows below it (reported at the start of that quiet stretch).
// Times are AudioContext times (s) of the window's first sample. Definition: latency.md.
class LevelMeter extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions || {};
    this.threshold = Math.pow(10, (o.thresholdDbfs ?? -45) / 20);
    this.window = Math.round(sampleRate * 0.01);
    this.holdWindows = Math.max(1, Math.round((o.holdMs ?? 150) / 10));
    this.sum = 0;
    this.count = 0;
    this.windowStart = 0;
    this.audible = false;
    this.quietWindows = this.holdWindows;
    this.quietSince = 0;
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      if (this.count === 0) this.windowStart = currentTime + i / sampleRate;
      this.sum += channel[i] * channel[i];
      if (++this.count < this.window) continue;
      const loud = Math.sqrt(this.sum / this.count) >= this.threshold;
      if (loud) {
        if (!this.audible) {
          this.audible = true;
          this.port.postMessage({ type: 'start', time: this.windowStart });
        }
        this.quietWindows = 0;
      } else {
        if (this.quietWindows === 0) this.quietSince = this.windowStart;
        this.quietWindows++;
        if (this.audible && this.quietWindows >= this.holdWindows) {
          this.audible = false;
          this.port.postMessage({ type: 'end', time: this.quietSince });
        }
      }
      this.sum = 0;
      this.count = 0;
    }
    return true;
  }
}
registerProcessor('voice-level-meter', LevelMeter);
