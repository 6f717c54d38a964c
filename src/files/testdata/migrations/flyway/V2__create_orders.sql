CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity integer NOT NULL CHECK (quantity > 0)
);

CREATE FUNCTION order_total(order_id bigint) RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT o.quantity * p.price_cents FROM orders o JOIN products p ON p.id = o.product_id
  WHERE o.id = order_id;
$$;
