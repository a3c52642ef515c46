import { type JobContext, voice } from '@livekit/agents';
import { RoomEvent, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import type { Logger } from 'pino';

/** The agent's audio as RoomIO would publish it: PCM16 mono 24 kHz, a microphone-source track. */
const OUTPUT = { sampleRate: 24_000, numChannels: 1, queueSizeMs: 200 } as const;

/**
 * The agent's audio track, published as soon as the agent is in the room (`joined`) — before the
 * caller joins and before any model session — so the caller's page subscribes to it while joining
 * and the greeting's first frame goes out the moment the session speaks. Left to RoomIO, the track
 * is published only at `session.start` and every frame then waits for the caller to subscribe
 * (150–300 ms on the click path here: `pnpm bench:greeting`). A published silent track sends
 * nothing and costs no model time; it goes with the agent at shutdown.
 *
 * Give it to the session before `session.start` (`session.output.audio`): RoomIO keeps an output
 * set in advance and still syncs the agent's transcript to it.
 */
export function publishAgentAudioEarly(ctx: JobContext, joined: Promise<unknown>, log: Logger): voice.ParticipantAudioOutput {
  const output = new voice.ParticipantAudioOutput(ctx.room, {
    ...OUTPUT,
    trackPublishOptions: new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
  });
  const abort = new AbortController();
  // `start` resolves once someone subscribed (the caller's page); bench:greeting reads both lines.
  ctx.room.once(RoomEvent.LocalTrackPublished, () => log.debug('agent audio: track published'));
  void joined
    .then(() => output.start(abort.signal))
    .then(() => !abort.signal.aborted && log.debug('agent audio: subscribed by the caller'))
    .catch((err: Error) => log.warn({ err: err.message }, 'agent audio track not published'));
  ctx.addShutdownCallback(async () => {
    abort.abort();
    await output.close().catch(() => {});
  });
  return output;
}
