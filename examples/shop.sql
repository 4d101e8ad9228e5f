-- A small shop database bundled as Quarry's example. Rebuild: sqlite3 examples/shop.sqlite < examples/shop.sql
PRAGMA foreign_keys = ON;
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT,
  country TEXT NOT NULL,
  signed_up DATE
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  price_cents INTEGER NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  ordered_at DATE NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE order_items (
  order_id INTEGER NOT NULL REFERENCES orders(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE VIEW order_totals AS
  SELECT o.id AS order_id, o.customer_id, sum(i.quantity * p.price_cents) / 100.0 AS total
  FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
  GROUP BY o.id;
INSERT INTO customers VALUES
  (1, 'Ada Lovelace', 'London', 'United Kingdom', '2024-01-15'),
  (2, 'Grace Hopper', 'New York', 'United States', '2024-02-03'),
  (3, 'Alan Turing', 'Manchester', 'United Kingdom', '2024-03-22'),
  (4, 'Katherine Johnson', 'Hampton', 'United States', '2024-05-09'),
  (5, 'Edsger Dijkstra', 'Eindhoven', 'Netherlands', '2024-06-30'),
  (6, 'Barbara Liskov', 'Boston', 'United States', NULL);
INSERT INTO products VALUES
  (1, 'Mechanical keyboard', 'Peripherals', 12900),
  (2, 'Trackball mouse', 'Peripherals', 5900),
  (3, '27" monitor', 'Displays', 32900),
  (4, 'USB-C hub', 'Accessories', 3900),
  (5, 'Laptop stand', 'Accessories', 4500),
  (6, 'Noise-cancelling headphones', 'Audio', 24900);
INSERT INTO orders VALUES
  (1, 1, '2024-07-01', 'shipped'),
  (2, 2, '2024-07-02', 'shipped'),
  (3, 1, '2024-07-15', 'delivered'),
  (4, 3, '2024-08-01', 'cancelled'),
  (5, 4, '2024-08-09', 'delivered'),
  (6, 2, '2024-09-12', 'pending'),
  (7, 5, '2024-09-20', 'shipped'),
  (8, 2, '2024-10-01', 'delivered');
INSERT INTO order_items VALUES
  (1, 1, 1), (1, 4, 2), (2, 3, 2), (3, 2, 1), (4, 6, 1), (5, 5, 1), (5, 4, 1),
  (6, 6, 1), (6, 1, 1), (7, 3, 1), (8, 2, 3), (8, 5, 1);
