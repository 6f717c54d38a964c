INSERT INTO products (title) VALUES ('Teapot; porcelain'), ('Kettle ''classic''');
