-- Lossy on purpose: forgets the index the up created.
alter table items drop column price_cents;
