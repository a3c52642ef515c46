import { initializeLogger, llm, voice } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type LocalRealtimeServer, start } from '../src/index.ts';
import { sleep, TEST_SCRIPT } from './helpers.ts';

/**
 * The agent worker's own path, minus the room: an `AgentSession` with the plugin's
 * `RealtimeModel` pointed at the local server, the greeting by `generateReply({instructions})` and
 * a real function tool executed by the agent, whose output the model then speaks.
 */
initializeLogger({ pretty: false, level: 'warn' });

const GREETING = "Hi, I'm an AI assistant for Acme. You can ask for a person at any time.";

let server: LocalRealtimeServer;

beforeAll(async () => {
  server = await start({ logLevel: 'warn', script: TEST_SCRIPT, minTranscriptWaitMs: 10_000 /* replies here quote recognized words: wait for them even on a loaded machine */ });
});

afterAll(async () => {
  await server.stop();
});

async function until<T>(read: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

describe('AgentSession (no room) with the local model', () => {
  it('greets verbatim, runs the tool the model calls, and speaks a reply built on its output', async () => {
    const lookups: string[] = [];
    const agent = new voice.Agent({
      instructions: "You are Acme's voice assistant.",
      tools: {
        lookup_order: llm.tool({
          description: 'Look up the status of an order by its number',
          parameters: z.object({ order_id: z.string().describe('The order number') }),
          execute: async ({ order_id }) => {
            lookups.push(order_id);
            return { status: 'shipped', eta: 'Friday' };
          },
        }),
      },
    });
    const session = new voice.AgentSession({
      llm: new openai.realtime.RealtimeModel({
        baseURL: server.baseURL,
        apiKey: server.apiKey,
        model: 'gpt-realtime',
        voice: 'marin',
        turnDetection: { type: 'server_vad', silence_duration_ms: 500, create_response: true, interrupt_response: true },
        inputAudioTranscription: { model: 'pocketsphinx' },
      }),
    });
    const said: string[] = [];
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (ev) => {
      if (ev.item.type === 'message' && ev.item.role === 'assistant') said.push(ev.item.textContent ?? '');
    });
    try {
      await session.start({ agent });
      await session.generateReply({ instructions: `Say exactly: "${GREETING}"` }).waitForPlayout();
      expect(said[0]).toBe(GREETING);

      session.generateReply({ userInput: 'Where is my order one two three four?' });
      const answer = await until(() => said.find((s) => s.includes('shipped')), 20_000);
      expect(lookups).toEqual(['1234']);
      expect(answer).toBe('Here is what I found about order 1234: status shipped, eta Friday.');
      expect(said).toContain('Let me check that order for you.');
    } finally {
      await session.close();
    }
  });
});
