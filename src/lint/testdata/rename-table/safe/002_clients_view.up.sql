-- Expand: readers can move to the new name while the old one works.
CREATE VIEW clients AS SELECT id, name FROM customers;
