import { z } from 'zod';

/**
 * The client → server events of the OpenAI Realtime protocol that this server understands, as zod
 * schemas. GA shapes (`session.audio.input.turn_detection`, `output_modalities`, …) and the beta
 * aliases the LiveKit plugin may send for legacy deployments (flat `turn_detection`,
 * `input_audio_transcription`, `modalities`, `voice`, assistant content type `text`) both parse.
 * Objects are loose: fields this server does not use (tracing, reasoning, temperature, …) are
 * accepted and ignored, as cloud clients send them.
 */

const EventId = z.string().max(512).optional();
const ItemId = z.string().min(1).max(128);

export const ServerVad = z.looseObject({
  type: z.literal('server_vad'),
  /** Speech probability threshold, 0–1 (default 0.5). */
  threshold: z.number().min(0).max(1).optional(),
  /** Audio kept before detected speech, ms (default 300). */
  prefix_padding_ms: z.number().int().min(0).max(5_000).optional(),
  /** Silence that ends a turn, ms (default 500). */
  silence_duration_ms: z.number().int().min(0).max(10_000).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
  idle_timeout_ms: z.number().int().min(0).nullable().optional(),
});

export const SemanticVad = z.looseObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

export const TurnDetection = z.discriminatedUnion('type', [ServerVad, SemanticVad]);
export type TurnDetection = z.infer<typeof TurnDetection>;

export const Transcription = z.looseObject({
  model: z.string().max(200).optional(),
  language: z.string().max(32).optional(),
  prompt: z.string().max(10_000).optional(),
});

/** GA `{type:'audio/pcm', rate}` or beta `'pcm16' | 'g711_ulaw' | 'g711_alaw'`. */
export const AudioFormat = z.union([
  z.looseObject({ type: z.string(), rate: z.number().optional() }),
  z.string(),
]);

export const FunctionTool = z.looseObject({
  type: z.literal('function').optional(),
  name: z.string().min(1).max(128),
  description: z.string().max(10_000).optional(),
  /** JSON schema of the arguments object. */
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export type FunctionTool = z.infer<typeof FunctionTool>;

/** `'auto' | 'none' | 'required'`, a bare function name (beta), or `{type:'function', name}`. */
export const ToolChoice = z.union([
  z.string().min(1).max(128),
  z.looseObject({ type: z.literal('function'), name: z.string().min(1).max(128) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

const Modalities = z.array(z.enum(['text', 'audio'])).min(1).max(2);
const Speed = z.number().min(0.25).max(1.5);
const Voice = z.string().min(1).max(100);

export const SessionUpdatePayload = z.looseObject({
  type: z.enum(['realtime', 'transcription']).optional(),
  model: z.string().max(200).optional(),
  instructions: z.string().optional(),
  output_modalities: Modalities.optional(),
  audio: z
    .looseObject({
      input: z
        .looseObject({
          format: AudioFormat.optional(),
          transcription: Transcription.nullable().optional(),
          turn_detection: TurnDetection.nullable().optional(),
          noise_reduction: z.looseObject({ type: z.string().optional() }).nullable().optional(),
        })
        .optional(),
      output: z
        .looseObject({ format: AudioFormat.optional(), voice: Voice.optional(), speed: Speed.optional() })
        .optional(),
    })
    .optional(),
  tools: z.array(FunctionTool).max(128).optional(),
  tool_choice: ToolChoice.optional(),
  max_output_tokens: z.union([z.number().int().positive(), z.literal('inf')]).optional(),
  // Beta (flat) aliases.
  modalities: Modalities.optional(),
  voice: Voice.optional(),
  speed: Speed.optional(),
  input_audio_format: AudioFormat.optional(),
  output_audio_format: AudioFormat.optional(),
  input_audio_transcription: Transcription.nullable().optional(),
  turn_detection: TurnDetection.nullable().optional(),
  max_response_output_tokens: z.union([z.number().int().positive(), z.literal('inf')]).optional(),
});
export type SessionUpdatePayload = z.infer<typeof SessionUpdatePayload>;

const text = z.string().max(100_000);
const Transcript = z.string().max(100_000).nullable().optional();

export const ContentPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('input_text'), text }),
  z.looseObject({ type: z.literal('input_audio'), audio: z.string().optional(), transcript: Transcript }),
  z.looseObject({ type: z.literal('input_image'), image_url: z.string().optional() }),
  z.looseObject({ type: z.literal('text'), text }),
  z.looseObject({ type: z.literal('output_text'), text }),
  z.looseObject({ type: z.literal('audio'), audio: z.string().optional(), transcript: Transcript }),
  z.looseObject({ type: z.literal('output_audio'), audio: z.string().optional(), transcript: Transcript }),
]);
export type ContentPart = z.infer<typeof ContentPart>;

export const ItemCreate = z.discriminatedUnion('type', [
  z.looseObject({
    id: ItemId.optional(),
    type: z.literal('message'),
    role: z.enum(['user', 'assistant', 'system']),
    content: z.array(ContentPart).max(64),
  }),
  z.looseObject({
    id: ItemId.optional(),
    type: z.literal('function_call'),
    call_id: z.string().min(1).max(128),
    name: z.string().min(1).max(128),
    arguments: z.string().max(100_000),
  }),
  z.looseObject({
    id: ItemId.optional(),
    type: z.literal('function_call_output'),
    call_id: z.string().min(1).max(128),
    output: z.string().max(100_000),
  }),
]);
export type ItemCreate = z.infer<typeof ItemCreate>;

const Metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, 'metadata holds at most 16 keys');

export const ResponseCreatePayload = z.looseObject({
  instructions: z.string().optional(),
  metadata: Metadata.nullable().optional(),
  tools: z.array(FunctionTool).max(128).optional(),
  tool_choice: ToolChoice.optional(),
  output_modalities: Modalities.optional(),
  modalities: Modalities.optional(),
  /** `'auto'` (default) adds the output to the conversation; `'none'` makes an out-of-band response. */
  conversation: z.string().max(128).optional(),
  /** Out-of-band context: items or `{type:'item_reference', id}`. */
  input: z
    .array(z.union([ItemCreate, z.looseObject({ type: z.literal('item_reference'), id: ItemId })]))
    .max(256)
    .optional(),
  audio: z
    .looseObject({ output: z.looseObject({ voice: Voice.optional(), format: AudioFormat.optional() }).optional() })
    .optional(),
  voice: Voice.optional(),
  max_output_tokens: z.union([z.number().int().positive(), z.literal('inf')]).optional(),
});
export type ResponseCreatePayload = z.infer<typeof ResponseCreatePayload>;

export const ClientEvent = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('session.update'), event_id: EventId, session: SessionUpdatePayload }),
  z.looseObject({ type: z.literal('input_audio_buffer.append'), event_id: EventId, audio: z.string() }),
  z.looseObject({ type: z.literal('input_audio_buffer.commit'), event_id: EventId }),
  z.looseObject({ type: z.literal('input_audio_buffer.clear'), event_id: EventId }),
  z.looseObject({
    type: z.literal('conversation.item.create'),
    event_id: EventId,
    previous_item_id: ItemId.nullable().optional(),
    item: ItemCreate,
  }),
  z.looseObject({ type: z.literal('conversation.item.retrieve'), event_id: EventId, item_id: ItemId }),
  z.looseObject({ type: z.literal('conversation.item.delete'), event_id: EventId, item_id: ItemId }),
  z.looseObject({
    type: z.literal('conversation.item.truncate'),
    event_id: EventId,
    item_id: ItemId,
    content_index: z.number().int().min(0),
    audio_end_ms: z.number().int().min(0),
  }),
  z.looseObject({ type: z.literal('response.create'), event_id: EventId, response: ResponseCreatePayload.nullable().optional() }),
  z.looseObject({ type: z.literal('response.cancel'), event_id: EventId, response_id: z.string().max(128).optional() }),
]);
export type ClientEvent = z.infer<typeof ClientEvent>;
export type ClientEventOf<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;

/** Every event type the server accepts (the union's discriminator values). */
export const CLIENT_EVENT_TYPES: ReadonlySet<string> = new Set(ClientEvent.options.map((o) => o.shape.type.value));
