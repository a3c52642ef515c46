/** Two short rising tones (660 Hz, then 880 Hz; 120 ms each at −18 dBFS): a new caller is waiting. */
export function chime(ctx: AudioContext): void {
  const t0 = ctx.currentTime + 0.01;
  [660, 880].forEach((hz, i) => {
    const osc = new OscillatorNode(ctx, { frequency: hz, type: 'sine' });
    const gain = new GainNode(ctx, { gain: 0 });
    const start = t0 + i * 0.15;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(0.125, start + 0.01);
    gain.gain.linearRampToValueAtTime(0, start + 0.12);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + 0.13);
  });
}
