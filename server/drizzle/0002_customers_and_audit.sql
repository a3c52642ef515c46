CREATE TABLE "cases" (
	"id" serial PRIMARY KEY NOT NULL,
	"customer_id" text,
	"call_id" integer,
	"category" text NOT NULL,
	"summary" text NOT NULL,
	"contact" text,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"email" text,
	"account" text,
	"code_hash" text,
	"notes" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_phone_unique" UNIQUE("phone")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"number" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"status" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"shipping_address" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Contacts (issue 6) become customers with their orders; open cases are recreated by callers.
INSERT INTO "customers" ("id", "name", "phone", "account", "notes", "updated_at")
  SELECT coalesce("account", 'phone-' || "phone"), "name", "phone", "account", "notes", "updated_at" FROM "contacts"
  ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "orders" ("number", "customer_id", "status", "summary", "shipping_address")
  SELECT o->>'id', coalesce(c."account", 'phone-' || c."phone"), o->>'status', coalesce(o->>'summary', ''), ''
  FROM "contacts" c, jsonb_array_elements(c."open_orders") o
  ON CONFLICT DO NOTHING;--> statement-breakpoint
ALTER TABLE "contacts" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "contacts" CASCADE;--> statement-breakpoint
ALTER TABLE "tool_calls" DROP CONSTRAINT "tool_calls_call_id_seq_pk";--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "secret" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "caller_number" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "hinted_customer_id" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "verified_customer_id" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "verified_name" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "verification_method" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "verify_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "id" serial PRIMARY KEY NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "tool" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "decision" text;--> statement-breakpoint
UPDATE "tool_calls" SET "tool" = "name", "decision" = 'allowed';--> statement-breakpoint
ALTER TABLE "tool_calls" ALTER COLUMN "tool" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_calls" ALTER COLUMN "decision" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "confirmation" jsonb;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "attempts" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "duration_ms" real;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_customer_idx" ON "cases" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "orders_customer_idx" ON "orders" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "tool_calls_call_idx" ON "tool_calls" USING btree ("call_id","at_ms");--> statement-breakpoint
ALTER TABLE "tool_calls" DROP COLUMN "seq";--> statement-breakpoint
ALTER TABLE "tool_calls" DROP COLUMN "name";--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_idempotency_key_unique" UNIQUE("idempotency_key");