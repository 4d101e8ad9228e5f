-- The query history of the bundled shop database: what its users asked, a question above each
-- statement. `quarry dataset build --db examples/shop.sqlite --history examples/shop-history.sql`
-- turns it into training examples for Quarry's sample model. Held-out questions for measuring it
-- are in shop-heldout.jsonl and never here.

-- How many customers are there?
SELECT count(*) FROM customers;

-- List the names of all customers.
SELECT name FROM customers;

-- Which customers live in the United Kingdom?
SELECT name FROM customers WHERE country = 'United Kingdom';

-- How many customers does each country have?
SELECT country, count(*) FROM customers GROUP BY country;

-- Which city is Grace Hopper in?
SELECT city FROM customers WHERE name = 'Grace Hopper';

-- Which customers have no sign-up date?
SELECT name FROM customers WHERE signed_up IS NULL;

-- Who signed up first?
SELECT name FROM customers WHERE signed_up IS NOT NULL ORDER BY signed_up LIMIT 1;

-- List customers who signed up in 2024 before June.
SELECT name FROM customers WHERE signed_up < '2024-06-01';

-- How many products are there?
SELECT count(*) FROM products;

-- List all product names and prices in cents.
SELECT name, price_cents FROM products;

-- What is the most expensive product?
SELECT name FROM products ORDER BY price_cents DESC LIMIT 1;

-- What is the cheapest product?
SELECT name FROM products ORDER BY price_cents ASC LIMIT 1;

-- What is the average product price in cents?
SELECT avg(price_cents) FROM products;

-- Which products are in the Accessories category?
SELECT name FROM products WHERE category = 'Accessories';

-- How many products does each category have?
SELECT category, count(*) FROM products GROUP BY category;

-- Which products cost more than 100 dollars?
SELECT name FROM products WHERE price_cents > 10000;

-- What are the distinct product categories?
SELECT DISTINCT category FROM products;

-- What is the total price of all products in dollars?
SELECT sum(price_cents) / 100.0 FROM products;

-- How many orders are there?
SELECT count(*) FROM orders;

-- How many orders have been delivered?
SELECT count(*) FROM orders WHERE status = 'delivered';

-- How many orders are in each status?
SELECT status, count(*) FROM orders GROUP BY status;

-- List the orders placed in August 2024.
SELECT id FROM orders WHERE ordered_at BETWEEN '2024-08-01' AND '2024-08-31';

-- Which orders are still pending?
SELECT id FROM orders WHERE status = 'pending';

-- When was the latest order placed?
SELECT max(ordered_at) FROM orders;

-- List orders with their customer names.
SELECT orders.id, customers.name FROM orders JOIN customers ON orders.customer_id = customers.id;

-- How many orders has each customer placed?
SELECT customers.name, count(orders.id) FROM customers LEFT JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id;

-- Which customers have never ordered anything?
SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders);

-- Which customer placed the most orders?
SELECT customers.name FROM customers JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id ORDER BY count(*) DESC LIMIT 1;

-- List the orders of Ada Lovelace.
SELECT orders.id FROM orders JOIN customers ON orders.customer_id = customers.id WHERE customers.name = 'Ada Lovelace';

-- Which customers have a cancelled order?
SELECT DISTINCT customers.name FROM customers JOIN orders ON orders.customer_id = customers.id WHERE orders.status = 'cancelled';

-- How many orders came from customers in the United States?
SELECT count(*) FROM orders JOIN customers ON orders.customer_id = customers.id WHERE customers.country = 'United States';

-- How many items were ordered in total?
SELECT sum(quantity) FROM order_items;

-- Which products were ordered in order 1?
SELECT products.name FROM order_items JOIN products ON order_items.product_id = products.id WHERE order_items.order_id = 1;

-- How many units of each product were sold?
SELECT products.name, sum(order_items.quantity) FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.id;

-- Which product sold the most units?
SELECT products.name FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.id ORDER BY sum(order_items.quantity) DESC LIMIT 1;

-- Which products have never been ordered?
SELECT name FROM products WHERE id NOT IN (SELECT product_id FROM order_items);

-- How many different products are in each order?
SELECT order_id, count(*) FROM order_items GROUP BY order_id;

-- Which orders contain more than one product?
SELECT order_id FROM order_items GROUP BY order_id HAVING count(*) > 1;

-- What is the total of each order?
SELECT order_id, total FROM order_totals;

-- Which order has the highest total?
SELECT order_id FROM order_totals ORDER BY total DESC LIMIT 1;

-- What is the average order total?
SELECT avg(total) FROM order_totals;

-- How much has each customer spent in total?
SELECT customers.name, sum(order_totals.total) FROM customers JOIN order_totals ON order_totals.customer_id = customers.id GROUP BY customers.id;

-- How much revenue did each category bring in, in dollars?
SELECT products.category, sum(order_items.quantity * products.price_cents) / 100.0 FROM order_items JOIN products ON order_items.product_id = products.id GROUP BY products.category;

-- Which customers bought a product from the Audio category?
SELECT DISTINCT customers.name FROM customers JOIN orders ON orders.customer_id = customers.id JOIN order_items ON order_items.order_id = orders.id JOIN products ON order_items.product_id = products.id WHERE products.category = 'Audio';

-- Which cities do our customers live in?
SELECT DISTINCT city FROM customers WHERE city IS NOT NULL;

-- How many orders were placed in each month?
SELECT strftime('%Y-%m', ordered_at), count(*) FROM orders GROUP BY strftime('%Y-%m', ordered_at);

-- Which products cost between 40 and 60 dollars?
SELECT name FROM products WHERE price_cents BETWEEN 4000 AND 6000;

-- What is the most expensive product in each category?
SELECT category, max(price_cents) FROM products GROUP BY category;

-- Which customers are from the Netherlands or the United Kingdom?
SELECT name FROM customers WHERE country IN ('Netherlands', 'United Kingdom');

-- List the products ordered by Grace Hopper.
SELECT DISTINCT products.name FROM products JOIN order_items ON order_items.product_id = products.id JOIN orders ON order_items.order_id = orders.id JOIN customers ON orders.customer_id = customers.id WHERE customers.name = 'Grace Hopper';

-- List the shipped orders with their dates.
SELECT id, ordered_at FROM orders WHERE status = 'shipped';

-- Which customers' names start with A?
SELECT name FROM customers WHERE name LIKE 'A%';

-- Which products have "mouse" in their name?
SELECT name FROM products WHERE name LIKE '%mouse%';

-- How many customers signed up in each country, most first?
SELECT country, count(*) FROM customers GROUP BY country ORDER BY count(*) DESC;

-- List products from the most to the least expensive.
SELECT name FROM products ORDER BY price_cents DESC;

-- What was ordered in the largest quantity in a single order line?
SELECT products.name, order_items.quantity FROM order_items JOIN products ON order_items.product_id = products.id ORDER BY order_items.quantity DESC LIMIT 1;

-- Which orders were placed by customers from Boston?
SELECT orders.id FROM orders JOIN customers ON orders.customer_id = customers.id WHERE customers.city = 'Boston';

-- What is the total spent on delivered orders?
SELECT sum(order_totals.total) FROM order_totals JOIN orders ON orders.id = order_totals.order_id WHERE orders.status = 'delivered';

-- Which customers have spent more than 300 dollars?
SELECT customers.name FROM customers JOIN order_totals ON order_totals.customer_id = customers.id GROUP BY customers.id HAVING sum(order_totals.total) > 300;

-- How many units of peripherals were sold?
SELECT sum(order_items.quantity) FROM order_items JOIN products ON order_items.product_id = products.id WHERE products.category = 'Peripherals';

-- What is the average price per category?
SELECT category, avg(price_cents) FROM products GROUP BY category;

-- Which order was placed first?
SELECT id FROM orders ORDER BY ordered_at LIMIT 1;

-- How many customers have placed at least one order?
SELECT count(DISTINCT customer_id) FROM orders;
