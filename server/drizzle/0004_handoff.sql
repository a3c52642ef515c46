CREATE TABLE "handoffs" (
	"id" serial PRIMARY KEY NOT NULL,
	"call_id" integer NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"model_summary" text DEFAULT '' NOT NULL,
	"via" text DEFAULT 'conversation' NOT NULL,
	"wait_limit_s" integer NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_at_ms" bigint NOT NULL,
	"settled_at" timestamp with time zone,
	"taken_by_key_id" integer,
	"person_name" text,
	"person_identity" text,
	"package_delivered_at" timestamp with time zone,
	"endpoint_delivered" boolean,
	"transfer_to" text,
	"connected_at_ms" bigint,
	"person_audio_at_ms" bigint,
	"person_audio_source" text,
	"person_left_at_ms" bigint,
	"case_id" integer,
	"package" jsonb
);
--> statement-breakpoint
CREATE TABLE "staff_presence" (
	"key_id" integer PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admin_keys" ADD COLUMN "role" text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_taken_by_key_id_admin_keys_id_fk" FOREIGN KEY ("taken_by_key_id") REFERENCES "public"."admin_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_presence" ADD CONSTRAINT "staff_presence_key_id_admin_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."admin_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "handoffs_call_idx" ON "handoffs" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "handoffs_status_idx" ON "handoffs" USING btree ("status","requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "handoffs_open_idx" ON "handoffs" USING btree ("call_id") WHERE status in ('waiting', 'taken');