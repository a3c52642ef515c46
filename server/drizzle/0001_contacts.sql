CREATE TABLE "contacts" (
	"phone" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"account" text,
	"notes" text DEFAULT '' NOT NULL,
	"open_orders" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"open_cases" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
