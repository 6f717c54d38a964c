DELETE FROM products WHERE title IN ('Teapot; porcelain', 'Kettle ''classic''');
