drop table invoice_lines;
