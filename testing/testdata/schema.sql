CREATE SCHEMA public;
COMMENT ON SCHEMA public IS 'standard public schema';

CREATE TYPE public.invoice_status AS ENUM ('draft', 'sent', 'paid', 'void');

CREATE OR REPLACE FUNCTION public.set_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  new.updated_at := now();
  return new;
end;
$function$;
COMMENT ON FUNCTION public.set_updated_at() IS 'Stamps updated_at on every UPDATE.';

CREATE TABLE public.customers (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    organization_id bigint NOT NULL,
    name text NOT NULL,
    billing_email text,
    vat_number text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT customers_billing_email_format CHECK ((billing_email ~~ '_%@_%'::text)),
    CONSTRAINT customers_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
    CONSTRAINT customers_pkey PRIMARY KEY (id)
);
CREATE INDEX customers_organization_id_name_idx ON public.customers USING btree (organization_id, name);
CREATE TRIGGER customers_set_updated_at BEFORE UPDATE ON public.customers FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE public.invoice_lines (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    invoice_id bigint NOT NULL,
    sort_order integer NOT NULL,
    description text NOT NULL,
    quantity numeric(12,3) DEFAULT 1 NOT NULL,
    unit_price_cents bigint NOT NULL,
    CONSTRAINT invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES public.invoices(id) ON DELETE CASCADE,
    CONSTRAINT invoice_lines_invoice_sort_order_key UNIQUE (invoice_id, sort_order),
    CONSTRAINT invoice_lines_pkey PRIMARY KEY (id),
    CONSTRAINT invoice_lines_quantity_positive CHECK ((quantity > (0)::numeric))
);
COMMENT ON COLUMN public.invoice_lines.unit_price_cents IS 'Price of one unit, in cents of the invoice currency.';

CREATE TABLE public.invoices (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    organization_id bigint NOT NULL,
    customer_id bigint NOT NULL,
    created_by bigint,
    number text NOT NULL,
    status public.invoice_status DEFAULT 'draft'::public.invoice_status NOT NULL,
    currency character(3) DEFAULT 'EUR'::bpchar NOT NULL,
    issued_on date DEFAULT CURRENT_DATE NOT NULL,
    due_on date NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    total_cents bigint DEFAULT 0 NOT NULL,
    CONSTRAINT invoices_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL,
    CONSTRAINT invoices_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id),
    CONSTRAINT invoices_due_after_issue CHECK ((due_on >= issued_on)),
    CONSTRAINT invoices_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
    CONSTRAINT invoices_organization_number_key UNIQUE (organization_id, number),
    CONSTRAINT invoices_pkey PRIMARY KEY (id),
    CONSTRAINT invoices_total_not_negative CHECK ((total_cents >= 0))
);
COMMENT ON COLUMN public.invoices.total_cents IS 'Sum of the lines, in cents; kept by the application.';
CREATE INDEX invoices_customer_id_idx ON public.invoices USING btree (customer_id);
CREATE INDEX invoices_open_due_on_idx ON public.invoices USING btree (organization_id, due_on) WHERE (status = 'sent'::public.invoice_status);
CREATE TRIGGER invoices_set_updated_at BEFORE UPDATE ON public.invoices FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE public.organizations (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    name text NOT NULL,
    slug text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT organizations_pkey PRIMARY KEY (id),
    CONSTRAINT organizations_slug_format CHECK ((slug ~ '^[a-z0-9][a-z0-9-]*$'::text)),
    CONSTRAINT organizations_slug_key UNIQUE (slug)
);
COMMENT ON TABLE public.organizations IS 'Tenants: every other row belongs to one organization.';
CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE public.users (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    organization_id bigint NOT NULL,
    email text NOT NULL,
    full_name text NOT NULL,
    role text DEFAULT 'member'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_email_format CHECK ((email ~~ '_%@_%'::text)),
    CONSTRAINT users_organization_email_key UNIQUE (organization_id, email),
    CONSTRAINT users_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_role_known CHECK ((role = ANY (ARRAY['owner'::text, 'admin'::text, 'member'::text])))
);
COMMENT ON COLUMN public.users.role IS 'owner, admin or member.';
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE VIEW public.customer_balances AS
 SELECT c.organization_id,
    c.id AS customer_id,
    c.name AS customer_name,
    count(i.id) AS open_invoices,
    COALESCE(sum(i.total_cents), 0::numeric) AS outstanding_cents,
    min(i.due_on) AS oldest_due_on
   FROM public.customers c
     LEFT JOIN public.invoices i ON i.customer_id = c.id AND i.status = 'sent'::public.invoice_status
  GROUP BY c.organization_id, c.id, c.name;
COMMENT ON VIEW public.customer_balances IS 'Open (sent, unpaid) invoices per customer.';
