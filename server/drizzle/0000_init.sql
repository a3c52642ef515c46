CREATE TABLE "admin_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "admin_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "admin_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"key_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_versions" (
	"agent_id" integer NOT NULL,
	"version" integer NOT NULL,
	"config" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_versions_agent_id_version_pk" PRIMARY KEY("agent_id","version")
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"current_version" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"id" serial PRIMARY KEY NOT NULL,
	"room" text NOT NULL,
	"agent_id" integer NOT NULL,
	"agent_version" integer NOT NULL,
	"channel" text NOT NULL,
	"demo_link_id" integer,
	"caller_identity" text NOT NULL,
	"origin" text,
	"ip_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"joined_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"outcome" text,
	"end_reason" text,
	"max_duration_s" integer,
	"barge_ins" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"record_received_at" timestamp with time zone,
	CONSTRAINT "calls_room_unique" UNIQUE("room")
);
--> statement-breakpoint
CREATE TABLE "demo_links" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"report_slug" text NOT NULL,
	"agent_id" integer NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"budget_seconds" integer NOT NULL,
	"used_seconds" real DEFAULT 0 NOT NULL,
	"max_call_seconds" integer NOT NULL,
	"max_concurrent_calls" integer NOT NULL,
	"per_ip_per_hour" integer NOT NULL,
	"lead_capture" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "demo_links_slug_unique" UNIQUE("slug"),
	CONSTRAINT "demo_links_report_slug_unique" UNIQUE("report_slug")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" serial PRIMARY KEY NOT NULL,
	"demo_link_id" integer NOT NULL,
	"call_id" integer,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_calls" (
	"call_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"arguments" text NOT NULL,
	"result" text,
	"at_ms" bigint NOT NULL,
	CONSTRAINT "tool_calls_call_id_seq_pk" PRIMARY KEY("call_id","seq")
);
--> statement-breakpoint
CREATE TABLE "transcript_entries" (
	"call_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"speaker" text NOT NULL,
	"text" text NOT NULL,
	"at_ms" bigint NOT NULL,
	"interrupted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "transcript_entries_call_id_seq_pk" PRIMARY KEY("call_id","seq")
);
--> statement-breakpoint
CREATE TABLE "turns" (
	"call_id" integer NOT NULL,
	"idx" integer NOT NULL,
	"speech_end_at_ms" bigint NOT NULL,
	"play_start_at_ms" bigint NOT NULL,
	"perceived_ms" real NOT NULL,
	"overlap" boolean NOT NULL,
	"endpointing_ms" real,
	"model_ms" real,
	"agent_out_ms" real,
	"network_playout_ms" real,
	"end_of_turn_source" text,
	"clock_uncertainty_ms" real,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "turns_call_id_idx_pk" PRIMARY KEY("call_id","idx")
);
--> statement-breakpoint
ALTER TABLE "admin_sessions" ADD CONSTRAINT "admin_sessions_key_id_admin_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."admin_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_versions" ADD CONSTRAINT "agent_versions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_demo_link_id_demo_links_id_fk" FOREIGN KEY ("demo_link_id") REFERENCES "public"."demo_links"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "demo_links" ADD CONSTRAINT "demo_links_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_demo_link_id_demo_links_id_fk" FOREIGN KEY ("demo_link_id") REFERENCES "public"."demo_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transcript_entries" ADD CONSTRAINT "transcript_entries_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "turns" ADD CONSTRAINT "turns_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_created_at_idx" ON "calls" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "calls_agent_idx" ON "calls" USING btree ("agent_id","created_at");--> statement-breakpoint
CREATE INDEX "calls_demo_idx" ON "calls" USING btree ("demo_link_id","created_at");--> statement-breakpoint
CREATE INDEX "calls_open_idx" ON "calls" USING btree ("ended_at");--> statement-breakpoint
CREATE UNIQUE INDEX "leads_call_idx" ON "leads" USING btree ("call_id");