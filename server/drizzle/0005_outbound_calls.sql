CREATE TABLE "do_not_call" (
	"number" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"call_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbound_calls" (
	"id" serial PRIMARY KEY NOT NULL,
	"agent_id" integer NOT NULL,
	"number" text NOT NULL,
	"context" jsonb NOT NULL,
	"time_zone" text,
	"ring_timeout_s" integer,
	"source" text NOT NULL,
	"demo_link_id" integer,
	"ip_hash" text,
	"idempotency_key" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"failure_reason" text,
	"sip_status_code" integer,
	"sip_status" text,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dialed_at" timestamp with time zone,
	"ringing_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"call_id" integer,
	"room" text,
	"amd_decision" text,
	"amd_first_decision" text,
	"amd_reason" text,
	"amd_time_to_decision_ms" real,
	"amd_evidence" jsonb,
	"voicemail_ready_reason" text,
	"voicemail_beep" jsonb,
	"voicemail_started_ms" real,
	"voicemail_after_beep_ms" real,
	"voicemail_finished" boolean DEFAULT false NOT NULL,
	"machine_hangup" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "demo_links" ADD COLUMN "callback" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "outbound_calls" ADD CONSTRAINT "outbound_calls_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_calls" ADD CONSTRAINT "outbound_calls_demo_link_id_demo_links_id_fk" FOREIGN KEY ("demo_link_id") REFERENCES "public"."demo_links"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_calls" ADD CONSTRAINT "outbound_calls_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbound_due_idx" ON "outbound_calls" USING btree ("status","not_before");--> statement-breakpoint
CREATE INDEX "outbound_agent_idx" ON "outbound_calls" USING btree ("agent_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_room_idx" ON "outbound_calls" USING btree ("room");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_idempotency_idx" ON "outbound_calls" USING btree ("agent_id","idempotency_key");