import type { DialogueScript } from '../responder/script.ts';
import { fixedLead, splitSentences } from '../tts/sentences.ts';
import type { SpeechSynthesizer } from '../tts/synthesizer.ts';
import type { SessionConfig } from './session-config.ts';

/**
 * Synthesizes, in the background, every fixed sentence a script can say (greeting, replies,
 * preambles, questions, and the placeholder-free sentences of templates such as the fallback's
 * "Sorry, I'm not sure I understood."), and the fixed opening clause of the others ("Got it," of
 * "Got it, you said {heard}."), so most replies start from the cache.
 */
export function prefetchScript(synth: Pick<SpeechSynthesizer, 'prefetch'>, script: DialogueScript, config: SessionConfig): void {
  if (!config.output_modalities.includes('audio')) return;
  const texts = [script.greeting, script.fallback, script.noSpeech, script.toolResult];
  for (const i of script.intents) texts.push(i.reply, i.preamble, i.ask, i.afterTool);
  for (const text of texts) {
    if (!text) continue;
    const sentences = splitSentences(text);
    const fixed = sentences.filter((s) => !s.includes('{'));
    for (const s of sentences) {
      const lead = s.includes('{') ? fixedLead(s) : null;
      if (lead) fixed.push(lead);
    }
    if (fixed.length) synth.prefetch(fixed.join(' '), config.voice, config.speed);
  }
}
