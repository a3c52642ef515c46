CREATE TABLE "agent_replies" (
	"call_id" integer NOT NULL,
	"response_id" text NOT NULL,
	"end_of_turn_at_ms" bigint,
	"end_of_turn_source" text,
	"response_created_at_ms" bigint,
	"first_audio_delta_at_ms" bigint,
	"first_frame_published_at_ms" bigint,
	"interrupted" boolean DEFAULT false NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_replies_call_id_response_id_pk" PRIMARY KEY("call_id","response_id")
);
--> statement-breakpoint
CREATE TABLE "signin_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"key_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "join_by" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "ending_notice_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "talk_seconds" real;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "replay_result" text;--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "response_id" text;--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "verification" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "verification_note" text;--> statement-breakpoint
ALTER TABLE "agent_replies" ADD CONSTRAINT "agent_replies_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signin_tokens" ADD CONSTRAINT "signin_tokens_key_id_admin_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."admin_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_ip_idx" ON "calls" USING btree ("agent_id","ip_hash","created_at");--> statement-breakpoint
-- Turns stored before this migration were never checked against the agent's timeline.
UPDATE "turns" SET "verification" = 'unverified', "verification_note" = 'stored before turns were verified';
