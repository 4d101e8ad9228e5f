// node scripts/writeShopQuestions.mjs: writes examples/shop-questions.jsonl, the sample model's
// many-worded questions about the bundled shop database ({"question", "sql", "db"} a line, the
// format `quarry dataset prompts --dataset` reads).
//
// Why generated: the hand-written history (examples/shop-history.sql) has 80 questions, and
// `quarry dataset build` keeps one example per template, as it should for a real history. A model
// trained from scratch on that learns those 80 sentences, not the database: it answered 2% of the
// held-out questions. Here each kind of question is asked in several wordings over every value the
// database holds, so what is learnt is how words map to this schema.
//
// Held out: examples/shop-heldout.jsonl was written before this file. No gold query of it is
// written here (compared after normalising case and spaces), nor any of its questions; this script
// refuses to write the file otherwise, and test/unit/shopQuestions.test.ts checks the file.
import { DatabaseSync } from 'node:sqlite';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'examples', 'shop-questions.jsonl');
const DB = join(ROOT, 'examples', 'shop.sqlite');

let state = 2027;
function random() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const db = new DatabaseSync(DB, { readOnly: true });
const column = (sql) => db.prepare(sql).all().map((row) => Object.values(row)[0]);
const customers = column('SELECT name FROM customers');
const countries = column('SELECT DISTINCT country FROM customers');
const cities = column('SELECT city FROM customers WHERE city IS NOT NULL');
const products = column('SELECT name FROM products');
const categories = column('SELECT DISTINCT category FROM products');
const statuses = column('SELECT DISTINCT status FROM orders');
const orderIds = column('SELECT id FROM orders');

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LAST_DAY = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad = (n) => String(n).padStart(2, '0');
const monthRange = (m) => [`2024-${pad(m)}-01`, `2024-${pad(m)}-${LAST_DAY[m - 1]}`];
const dayText = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return pick([`${MONTHS[m - 1]} ${d}, ${y}`, iso, `${d} ${MONTHS[m - 1]} ${y}`]);
};
const lower = (name) => (random() < 0.5 ? name : name.toLowerCase());
const plural = { Peripherals: 'peripherals', Displays: 'displays', Accessories: 'accessories', Audio: 'audio products' };
const categoryWord = (c) => pick([`${plural[c]}`, `products in the ${c} category`, `${c} products`]);
const THE = new Set(['United States', 'United Kingdom', 'Netherlands']);
/** A country as a sentence names it: "the Netherlands", now and then without the article, as people type. */
const place = (c) => (THE.has(c) && random() < 0.8 ? `the ${c}` : c);
const q = (s) => `'${s.replaceAll("'", "''")}'`;

/** Each kind: wordings (functions of its values) and the SQL, over every value set it takes. */
const kinds = [];
function kind(valueSets, wordings, sql) {
  kinds.push({ valueSets, wordings, sql });
}
const each = (list) => list.map((v) => [v]);
const pairs = (a, b) => a.flatMap((x) => b.filter((y) => y !== x).map((y) => [x, y]));

// --- customers
kind([[]], [() => 'How many customers are there?', () => 'Count the customers.', () => 'How many customers do we have?', () => 'Total number of customers?', () => 'How many people are customers?'], () => 'SELECT count(*) FROM customers');
kind([[]], [() => 'List every customer.', () => 'Show all customer names.', () => 'Who are our customers?', () => 'Names of the customers, please.'], () => 'SELECT name FROM customers');
for (const [col, words] of [['city', ['city', 'home city']], ['country', ['country']], ['signed_up', ['sign-up date', 'signup date', 'registration date']]]) {
  kind([[]], [() => `Show each customer with their ${pick(words)}.`, () => `List customer names and ${pick(words)}s.`, () => `For every customer, what is the ${pick(words)}?`], () => `SELECT name, ${col} FROM customers`);
  kind(each(customers), [(n) => `What is the ${pick(words)} of ${n}?`, (n) => `Tell me ${n}'s ${pick(words)}.`, (n) => `${n}: which ${pick(words)}?`], (n) => `SELECT ${col} FROM customers WHERE name = ${q(n)}`);
}
kind(each(customers), [(n) => `Where does ${n} live?`, (n) => `City and country of ${n}?`, (n) => `Show the location of customer ${n}.`], (n) => `SELECT city, country FROM customers WHERE name = ${q(n)}`);
kind(each(customers), [(n) => `When did ${n} sign up?`, (n) => `On what date did ${n} register?`], (n) => `SELECT signed_up FROM customers WHERE name = ${q(n)}`);
kind(each(countries), [(c) => `Which customers are from ${place(c)}?`, (c) => `List the customers in ${place(c)}.`, (c) => `Who lives in ${place(c)}?`, (c) => `Show customers whose country is ${place(c)}.`, (c) => `Names of customers based in ${place(c)}.`], (c) => `SELECT name FROM customers WHERE country = ${q(c)}`);
kind(each(countries), [(c) => `How many customers are from ${place(c)}?`, (c) => `Count the customers in ${place(c)}.`, (c) => `How many customers live in ${place(c)}?`, (c) => `Number of customers based in ${place(c)}?`], (c) => `SELECT count(*) FROM customers WHERE country = ${q(c)}`);
kind(each(countries), [(c) => `Which customers are not from ${place(c)}?`, (c) => `List customers outside ${place(c)}.`, (c) => `Who lives somewhere other than ${place(c)}?`], (c) => `SELECT name FROM customers WHERE country != ${q(c)}`);
kind(each(countries), [(c) => `How many customers are outside ${place(c)}?`, (c) => `Count customers not in ${place(c)}.`], (c) => `SELECT count(*) FROM customers WHERE country != ${q(c)}`);
kind(pairs(countries, countries), [(a, b) => `Which customers are from ${place(a)} or ${place(b)}?`, (a, b) => `List customers in ${place(a)} or in ${place(b)}.`], (a, b) => `SELECT name FROM customers WHERE country IN (${q(a)}, ${q(b)})`);
kind(each(cities), [(c) => `Which customers live in ${c}?`, (c) => `Who is based in ${c}?`, (c) => `List the customers from the city of ${c}.`], (c) => `SELECT name FROM customers WHERE city = ${q(c)}`);
kind(each(cities), [(c) => `How many customers live in ${c}?`, (c) => `Count customers in the city ${c}.`], (c) => `SELECT count(*) FROM customers WHERE city = ${q(c)}`);
kind(each(cities), [(c) => `Which country is ${c} in, for our customers?`, (c) => `What country do customers in ${c} live in?`], (c) => `SELECT country FROM customers WHERE city = ${q(c)}`);
kind([[]], [() => 'How many customers does each country have?', () => 'Count customers per country.', () => 'Number of customers by country.', () => 'Show each country with how many customers live there.'], () => 'SELECT country, count(*) FROM customers GROUP BY country');
kind([[]], [() => 'How many customers are in each city?', () => 'Count customers per city.'], () => 'SELECT city, count(*) FROM customers GROUP BY city');
kind([['DESC', 'most'], ['ASC', 'fewest']], [(d, w) => `Which country has the ${w} customers?`, (d, w) => `The country with the ${w} customers?`, (d, w) => `Name the country where the ${w} customers live.`], (d) => `SELECT country FROM customers GROUP BY country ORDER BY count(*) ${d} LIMIT 1`);
kind([[]], [() => 'How many different countries do customers come from?', () => 'Count the distinct countries of customers.', () => 'In how many countries do we have customers?'], () => 'SELECT count(DISTINCT country) FROM customers');
kind([[]], [() => 'How many different cities do customers live in?', () => 'Count the distinct customer cities.'], () => 'SELECT count(DISTINCT city) FROM customers');
kind([[]], [() => 'Which countries do customers come from?', () => 'List the distinct countries of our customers.', () => 'What countries are our customers in?'], () => 'SELECT DISTINCT country FROM customers');
kind([[]], [() => 'Which customers never gave a sign-up date?', () => 'List customers whose signup date is missing.', () => 'Who has no registration date?'], () => 'SELECT name FROM customers WHERE signed_up IS NULL');
kind([[]], [() => 'How many customers have no sign-up date?', () => 'Count customers with a missing signup date.'], () => 'SELECT count(*) FROM customers WHERE signed_up IS NULL');
kind([[]], [() => 'Which customers have a sign-up date?', () => 'List customers whose registration date is known.'], () => 'SELECT name FROM customers WHERE signed_up IS NOT NULL');
kind([[]], [() => 'Which customers have no city?', () => 'List customers without a city.'], () => 'SELECT name FROM customers WHERE city IS NULL');
kind([['ASC', 'first', 'earliest'], ['DESC', 'last', 'latest']], [(d, a, b) => `Who was the ${a} customer to sign up?`, (d, a, b) => `Which customer has the ${b} sign-up date?`, (d, a, b) => `Name the customer who registered ${a}.`], (d) => `SELECT name FROM customers WHERE signed_up IS NOT NULL ORDER BY signed_up ${d} LIMIT 1`);
kind([['min', 'earliest', 'first'], ['max', 'latest', 'last']], [(f, a, b) => `What is the ${a} sign-up date?`, (f, a, b) => `When did the ${b} customer sign up?`], (f) => `SELECT ${f}(signed_up) FROM customers`);
for (let m = 1; m <= 7; m++) {
  const [from] = monthRange(m);
  kind([[from]], [(d) => `Which customers signed up before ${dayText(d)}?`, (d) => `List customers who registered earlier than ${dayText(d)}.`], (d) => `SELECT name FROM customers WHERE signed_up < ${q(d)}`);
  kind([[from]], [(d) => `Which customers signed up on or after ${dayText(d)}?`, (d) => `List customers who registered since ${dayText(d)}.`], (d) => `SELECT name FROM customers WHERE signed_up >= ${q(d)}`);
  kind([[from]], [(d) => `How many customers signed up before ${dayText(d)}?`, (d) => `Count customers registered earlier than ${dayText(d)}.`], (d) => `SELECT count(*) FROM customers WHERE signed_up < ${q(d)}`);
  kind([monthRange(m)], [(a, b) => `Which customers signed up in ${MONTHS[m - 1]} 2024?`, (a, b) => `List customers who registered during ${MONTHS[m - 1]} 2024.`], (a, b) => `SELECT name FROM customers WHERE signed_up BETWEEN ${q(a)} AND ${q(b)}`);
}
for (const letter of ['A', 'B', 'E', 'G', 'K']) {
  kind([[letter]], [(l) => `Which customers have a name starting with ${l}?`, (l) => `List customers whose name begins with the letter ${l}.`], (l) => `SELECT name FROM customers WHERE name LIKE '${l}%'`);
  kind([[letter]], [(l) => `Which customers live in a city beginning with ${l}?`, (l) => `List customers whose city starts with ${l}.`], (l) => `SELECT name FROM customers WHERE city LIKE '${l}%'`);
}
kind([['ASC', 'alphabetical order'], ['DESC', 'reverse alphabetical order']], [(d, w) => `List customer names in ${w}.`, (d, w) => `Sort the customers by name, ${w}.`], (d) => `SELECT name FROM customers ORDER BY name ${d}`);
kind([[]], [() => 'List customers by sign-up date, oldest first.', () => 'Show customers ordered by when they signed up.'], () => 'SELECT name FROM customers ORDER BY signed_up');

// --- products
const dollars = [20, 40, 50, 60, 100, 150, 200, 250, 300];
kind([[]], [() => 'How many products are there?', () => 'Count the products.', () => 'How many items are in the catalog?', () => 'Total number of products?'], () => 'SELECT count(*) FROM products');
kind([[]], [() => 'List all products.', () => 'Show the product names.', () => 'What products are in the catalog?'], () => 'SELECT name FROM products');
kind([[]], [() => 'Show every product with its price.', () => 'List products and their prices in cents.', () => 'Product names with prices, please.'], () => 'SELECT name, price_cents FROM products');
kind([[]], [() => 'Show every product with its category.', () => 'List products and their categories.'], () => 'SELECT name, category FROM products');
kind(each(products), [(n) => `How much does the ${lower(n)} cost?`, (n) => `What is the price of the ${lower(n)} in cents?`, (n) => `Price of the ${lower(n)}?`], (n) => `SELECT price_cents FROM products WHERE name = ${q(n)}`);
kind(each(products), [(n) => `What category is the ${lower(n)} in?`, (n) => `Which category does the ${lower(n)} belong to?`], (n) => `SELECT category FROM products WHERE name = ${q(n)}`);
kind(each(products), [(n) => `What is the price of the ${lower(n)} in dollars?`, (n) => `How many dollars is the ${lower(n)}?`], (n) => `SELECT price_cents / 100.0 FROM products WHERE name = ${q(n)}`);
kind(each(categories), [(c) => `Which products are in the ${c} category?`, (c) => `List the ${categoryWord(c)}.`, (c) => `Show products of category ${c}.`, (c) => `Name every product in ${c}.`], (c) => `SELECT name FROM products WHERE category = ${q(c)}`);
kind(each(categories), [(c) => `How many products are in the ${c} category?`, (c) => `Count the ${categoryWord(c)}.`, (c) => `Number of products in ${c}?`], (c) => `SELECT count(*) FROM products WHERE category = ${q(c)}`);
kind(each(categories), [(c) => `Which products are not in the ${c} category?`, (c) => `List products outside ${c}.`], (c) => `SELECT name FROM products WHERE category != ${q(c)}`);
kind(pairs(categories, categories), [(a, b) => `Which products are ${a} or ${b}?`, (a, b) => `List the products in the ${a} and ${b} categories.`, (a, b) => `Show ${a} and ${b} products.`], (a, b) => `SELECT name FROM products WHERE category IN (${q(a)}, ${q(b)})`);
for (const [fn, words] of [['max', ['highest', 'largest', 'top']], ['min', ['lowest', 'smallest']], ['avg', ['average', 'mean']], ['sum', ['total', 'summed']]]) {
  kind([[]], [() => `What is the ${pick(words)} product price?`, () => `The ${pick(words)} price of all products?`, () => `${pick(words)} price in cents across products?`], () => `SELECT ${fn}(price_cents) FROM products`);
  kind(each(categories), [(c) => `What is the ${pick(words)} price of ${categoryWord(c)}?`, (c) => `${pick(words)} price in the ${c} category?`, (c) => `In ${c}, what is the ${pick(words)} price?`], (c) => `SELECT ${fn}(price_cents) FROM products WHERE category = ${q(c)}`);
  kind([[]], [() => `What is the ${pick(words)} price in each category?`, () => `Show each category with its ${pick(words)} price.`, () => `${pick(words)} product price per category.`], () => `SELECT category, ${fn}(price_cents) FROM products GROUP BY category`);
}
kind([['DESC', 'most expensive', 'priciest'], ['ASC', 'cheapest', 'least expensive']], [(d, a, b) => `Which product is the ${a}?`, (d, a, b) => `Name the ${b} product.`, (d, a, b) => `What's our ${a} item?`], (d) => `SELECT name FROM products ORDER BY price_cents ${d} LIMIT 1`);
for (const c of categories) {
  kind([['DESC', 'most expensive', c], ['ASC', 'cheapest', c]], [(d, a, cat) => `Which is the ${a} product in ${cat}?`, (d, a, cat) => `The ${a} of the ${categoryWord(cat)}?`], (d, a, cat) => `SELECT name FROM products WHERE category = ${q(cat)} ORDER BY price_cents ${d} LIMIT 1`);
}
for (const k of [2, 3]) {
  kind([['DESC', 'most expensive'], ['ASC', 'cheapest']], [(d, w) => `List the ${k} ${w} products.`, (d, w) => `Top ${k} ${w} products?`], (d) => `SELECT name FROM products ORDER BY price_cents ${d} LIMIT ${k}`);
}
kind([['ASC', 'from cheapest to most expensive'], ['DESC', 'from most expensive to cheapest']], [(d, w) => `List products ${w}.`, (d, w) => `Sort the products by price, ${w}.`], (d) => `SELECT name FROM products ORDER BY price_cents ${d}`);
kind([['ASC', 'A to Z'], ['DESC', 'Z to A']], [(d, w) => `List the product names ${w}.`, (d, w) => `Sort product names ${w}.`], (d) => `SELECT name FROM products ORDER BY name ${d}`);
for (const d of dollars) {
  kind([[d]], [(x) => `Which products cost more than ${x} dollars?`, (x) => `List products priced above $${x}.`, (x) => `Products over ${x} dollars?`], (x) => `SELECT name FROM products WHERE price_cents > ${x * 100}`);
  kind([[d]], [(x) => `Which products cost under ${x} dollars?`, (x) => `List products cheaper than $${x}.`, (x) => `Products below ${x} dollars?`], (x) => `SELECT name FROM products WHERE price_cents < ${x * 100}`);
  kind([[d]], [(x) => `How many products cost more than ${x} dollars?`, (x) => `Count products priced above $${x}.`], (x) => `SELECT count(*) FROM products WHERE price_cents > ${x * 100}`);
  kind([[d]], [(x) => `How many products cost less than ${x} dollars?`, (x) => `Count products under $${x}.`], (x) => `SELECT count(*) FROM products WHERE price_cents < ${x * 100}`);
  kind([[d * 100]], [(x) => `Which products have a price above ${x} cents?`, (x) => `List products whose price_cents is greater than ${x}.`], (x) => `SELECT name FROM products WHERE price_cents > ${x}`);
}
kind([[30, 60], [40, 130], [50, 250], [100, 300]], [(a, b) => `Which products cost between ${a} and ${b} dollars?`, (a, b) => `List products priced from $${a} to $${b}.`], (a, b) => `SELECT name FROM products WHERE price_cents BETWEEN ${a * 100} AND ${b * 100}`);
kind([[]], [() => 'How many products cost more than the average?', () => 'Count the products priced above the mean price.'], () => 'SELECT count(*) FROM products WHERE price_cents > (SELECT avg(price_cents) FROM products)');
kind([['>', 'above'], ['<', 'below']], [(op, w) => `Which products are priced ${w} average?`, (op, w) => `List products whose price is ${w} the average price.`], (op) => `SELECT name FROM products WHERE price_cents ${op} (SELECT avg(price_cents) FROM products)`);
kind([[]], [() => 'How many product categories are there?', () => 'Count the distinct categories.', () => 'In how many categories are products listed?'], () => 'SELECT count(DISTINCT category) FROM products');
kind([[]], [() => 'Which categories are there?', () => 'List the product categories.', () => 'What categories do products have?'], () => 'SELECT DISTINCT category FROM products');
kind([[]], [() => 'How many products are in each category?', () => 'Count products per category.', () => 'Show every category with its number of products.'], () => 'SELECT category, count(*) FROM products GROUP BY category');
kind([['DESC', 'most'], ['ASC', 'fewest']], [(d, w) => `Which category has the ${w} products?`, (d, w) => `The category with the ${w} items?`], (d) => `SELECT category FROM products GROUP BY category ORDER BY count(*) ${d} LIMIT 1`);
kind([['DESC', 'highest'], ['ASC', 'lowest']], [(d, w) => `Which category has the ${w} average price?`, (d, w) => `Name the category whose products have the ${w} mean price.`], (d) => `SELECT category FROM products GROUP BY category ORDER BY avg(price_cents) ${d} LIMIT 1`);
kind([[1], [2]], [(k) => `Which categories have more than ${k} product${k > 1 ? 's' : ''}?`, (k) => `List categories with over ${k} products.`], (k) => `SELECT category FROM products GROUP BY category HAVING count(*) > ${k}`);
for (const word of ['mouse', 'monitor', 'hub', 'stand', 'keyboard', 'headphones']) {
  kind([[word]], [(w) => `Which products have "${w}" in the name?`, (w) => `Find products whose name contains ${w}.`], (w) => `SELECT name FROM products WHERE name LIKE '%${w}%'`);
}
kind([[]], [() => 'What is the total price of all products in dollars?', () => 'Sum of all product prices, in dollars?'], () => 'SELECT sum(price_cents) / 100.0 FROM products');

// --- orders
kind([[]], [() => 'How many orders are there?', () => 'Count the orders.', () => 'Total number of orders?', () => 'How many orders have been placed?'], () => 'SELECT count(*) FROM orders');
kind([[]], [() => 'List all orders with their dates.', () => 'Show every order id and when it was placed.'], () => 'SELECT id, ordered_at FROM orders');
kind([[]], [() => 'Show each order with its status.', () => 'List order ids and statuses.'], () => 'SELECT id, status FROM orders');
kind(each(statuses), [(s) => `How many orders are ${s}?`, (s) => `Count the ${s} orders.`, (s) => `Number of orders with status ${s}?`], (s) => `SELECT count(*) FROM orders WHERE status = ${q(s)}`);
kind(each(statuses), [(s) => `Which orders are ${s}?`, (s) => `List the ids of ${s} orders.`, (s) => `Show orders whose status is ${s}.`], (s) => `SELECT id FROM orders WHERE status = ${q(s)}`);
kind(each(statuses), [(s) => `When were the ${s} orders placed?`, (s) => `List ${s} orders with their dates.`], (s) => `SELECT id, ordered_at FROM orders WHERE status = ${q(s)}`);
kind(each(statuses), [(s) => `How many orders are not ${s}?`, (s) => `Count orders whose status is anything but ${s}.`], (s) => `SELECT count(*) FROM orders WHERE status != ${q(s)}`);
kind(each(statuses), [(s) => `Which orders are not ${s}?`, (s) => `List orders with a status other than ${s}.`], (s) => `SELECT id FROM orders WHERE status != ${q(s)}`);
kind(pairs(statuses, statuses), [(a, b) => `How many orders are ${a} or ${b}?`, (a, b) => `Count orders with status ${a} or ${b}.`], (a, b) => `SELECT count(*) FROM orders WHERE status IN (${q(a)}, ${q(b)})`);
kind(each(orderIds), [(i) => `What is the status of order ${i}?`, (i) => `Order ${i}: what status?`, (i) => `Tell me the status of order number ${i}.`], (i) => `SELECT status FROM orders WHERE id = ${i}`);
kind(each(orderIds), [(i) => `When was order ${i} placed?`, (i) => `What date is order ${i} from?`], (i) => `SELECT ordered_at FROM orders WHERE id = ${i}`);
kind([[]], [() => 'How many orders have each status?', () => 'Count orders per status.', () => 'Number of orders by status.'], () => 'SELECT status, count(*) FROM orders GROUP BY status');
kind([['DESC', 'most common'], ['ASC', 'least common']], [(d, w) => `What is the ${w} order status?`, (d, w) => `Which status is the ${w} among orders?`], (d) => `SELECT status FROM orders GROUP BY status ORDER BY count(*) ${d} LIMIT 1`);
kind([[]], [() => 'How many distinct order statuses are there?', () => 'Count the different statuses of orders.'], () => 'SELECT count(DISTINCT status) FROM orders');
kind([[]], [() => 'Which statuses can an order have?', () => 'List the distinct order statuses.'], () => 'SELECT DISTINCT status FROM orders');
kind([['min', 'earliest', 'oldest'], ['max', 'latest', 'newest']], [(f, a, b) => `What is the date of the ${a} order?`, (f, a, b) => `When was the ${b} order placed?`, (f, a, b) => `${a} order date?`], (f) => `SELECT ${f}(ordered_at) FROM orders`);
kind([['ASC', 'earliest', 'first'], ['DESC', 'latest', 'most recent']], [(d, a, b) => `Which order was placed ${a}?`, (d, a, b) => `The id of the ${b} order?`], (d) => `SELECT id FROM orders ORDER BY ordered_at ${d} LIMIT 1`);
for (const s of statuses) {
  kind([['min', 'first', s], ['max', 'last', s]], [(f, w, st) => `When was the ${w} ${st} order placed?`, (f, w, st) => `Date of the ${w} order with status ${st}?`], (f, w, st) => `SELECT ${f}(ordered_at) FROM orders WHERE status = ${q(st)}`);
}
for (let m = 7; m <= 10; m++) {
  kind([monthRange(m)], [(a, b) => `Which orders were placed in ${MONTHS[m - 1]} 2024?`, (a, b) => `List the orders from ${MONTHS[m - 1]} 2024.`, (a, b) => `Orders made during ${MONTHS[m - 1]} 2024?`], (a, b) => `SELECT id FROM orders WHERE ordered_at BETWEEN ${q(a)} AND ${q(b)}`);
  kind([monthRange(m)], [(a, b) => `How many orders came in during ${MONTHS[m - 1]} 2024?`, (a, b) => `Count the orders of ${MONTHS[m - 1]} 2024.`, (a, b) => `Number of orders in ${MONTHS[m - 1]} 2024?`], (a, b) => `SELECT count(*) FROM orders WHERE ordered_at BETWEEN ${q(a)} AND ${q(b)}`);
  kind([monthRange(m)], [(a, b) => `Show the ids and dates of orders in ${MONTHS[m - 1]} 2024.`, (a, b) => `When were the ${MONTHS[m - 1]} 2024 orders placed?`], (a, b) => `SELECT id, ordered_at FROM orders WHERE ordered_at BETWEEN ${q(a)} AND ${q(b)}`);
  const [from] = monthRange(m);
  kind([[from]], [(d) => `Which orders were placed before ${dayText(d)}?`, (d) => `List orders earlier than ${dayText(d)}.`], (d) => `SELECT id FROM orders WHERE ordered_at < ${q(d)}`);
  kind([[from]], [(d) => `Which orders were placed on or after ${dayText(d)}?`, (d) => `List orders since ${dayText(d)}.`], (d) => `SELECT id FROM orders WHERE ordered_at >= ${q(d)}`);
  kind([[from]], [(d) => `How many orders were placed after ${dayText(d)}?`, (d) => `Count orders from ${dayText(d)} on.`], (d) => `SELECT count(*) FROM orders WHERE ordered_at >= ${q(d)}`);
}
kind([[]], [() => 'How many orders were placed each month?', () => 'Count orders per month.', () => 'Monthly order counts?'], () => "SELECT strftime('%Y-%m', ordered_at), count(*) FROM orders GROUP BY strftime('%Y-%m', ordered_at)");
kind([[]], [() => 'How many customers have placed an order?', () => 'Count the distinct customers with orders.', () => 'How many different customers ordered something?'], () => 'SELECT count(DISTINCT customer_id) FROM orders');
kind(each(statuses), [(s) => `How many different customers have ${s} orders?`, (s) => `Count customers with at least one ${s} order.`], (s) => `SELECT count(DISTINCT customer_id) FROM orders WHERE status = ${q(s)}`);

// --- order lines
kind([[]], [() => 'How many order items are there?', () => 'Count the rows of order_items.', () => 'How many line items exist?'], () => 'SELECT count(*) FROM order_items');
kind([[]], [() => 'How many units were ordered altogether?', () => 'Total quantity over all order items?', () => 'Sum of all quantities ordered?'], () => 'SELECT sum(quantity) FROM order_items');
kind([['avg', 'average'], ['max', 'largest'], ['min', 'smallest']], [(f, w) => `What is the ${w} quantity on an order item?`, (f, w) => `${w} quantity in order_items?`], (f) => `SELECT ${f}(quantity) FROM order_items`);
kind(each(orderIds), [(i) => `How many items does order ${i} have?`, (i) => `Count the line items of order ${i}.`, (i) => `How many different products are in order ${i}?`], (i) => `SELECT count(*) FROM order_items WHERE order_id = ${i}`);
kind(each(orderIds), [(i) => `How many units are in order ${i}?`, (i) => `Total quantity of order ${i}?`, (i) => `Sum the quantities of order ${i}.`], (i) => `SELECT sum(quantity) FROM order_items WHERE order_id = ${i}`);
kind([[]], [() => 'How many items does each order have?', () => 'Count line items per order.'], () => 'SELECT order_id, count(*) FROM order_items GROUP BY order_id');
kind([[]], [() => 'How many units does each order contain?', () => 'Total quantity per order.'], () => 'SELECT order_id, sum(quantity) FROM order_items GROUP BY order_id');
kind([[1]], [(k) => 'Which orders have more than one item?', (k) => 'List orders with several line items.'], (k) => `SELECT order_id FROM order_items GROUP BY order_id HAVING count(*) > ${k}`);
kind([[1], [2]], [(k) => `Which orders contain more than ${k} unit${k > 1 ? 's' : ''} in total?`, (k) => `List orders whose total quantity exceeds ${k}.`], (k) => `SELECT order_id FROM order_items GROUP BY order_id HAVING sum(quantity) > ${k}`);
kind([[1], [2]], [(k) => `Which order items have a quantity above ${k}?`, (k) => `List the order and product ids of lines with quantity over ${k}.`], (k) => `SELECT order_id, product_id FROM order_items WHERE quantity > ${k}`);

// --- order totals
kind([[]], [() => 'Show the total of every order.', () => 'List orders with their totals.', () => 'What is each order worth?'], () => 'SELECT order_id, total FROM order_totals');
kind(each(orderIds), [(i) => `How much is order ${i} worth?`, (i) => `What did order ${i} come to?`, (i) => `Order ${i}'s total in dollars?`], (i) => `SELECT total FROM order_totals WHERE order_id = ${i}`);
for (const [fn, words] of [['max', ['largest', 'biggest', 'highest']], ['min', ['lowest', 'least']], ['avg', ['average', 'mean']], ['sum', ['total', 'overall']]]) {
  kind([[]], [() => `What is the ${pick(words)} order total?`, () => `${pick(words)} value of an order?`, () => `The ${pick(words)} of the order totals?`], () => `SELECT ${fn}(total) FROM order_totals`);
}
for (const x of [50, 100, 200, 300, 500, 700]) {
  kind([[x]], [(v) => `Which orders are worth more than ${v} dollars?`, (v) => `List orders over $${v}.`, (v) => `Orders whose total exceeds ${v}?`], (v) => `SELECT order_id FROM order_totals WHERE total > ${v}`);
  kind([[x]], [(v) => `Which orders are worth less than ${v} dollars?`, (v) => `List orders under $${v}.`], (v) => `SELECT order_id FROM order_totals WHERE total < ${v}`);
  kind([[x]], [(v) => `How many orders are worth more than ${v} dollars?`, (v) => `Count orders above $${v}.`], (v) => `SELECT count(*) FROM order_totals WHERE total > ${v}`);
}
kind([['DESC', 'biggest', 'most valuable'], ['ASC', 'smallest', 'least valuable']], [(d, a, b) => `Which order is the ${a}?`, (d, a, b) => `The ${b} order's id?`], (d) => `SELECT order_id FROM order_totals ORDER BY total ${d} LIMIT 1`);

// --- orders with customers
const OC = 'FROM orders JOIN customers ON orders.customer_id = customers.id';
kind([[]], [() => 'Show each order with the customer who placed it.', () => 'List order ids and customer names.', () => 'Who placed each order?'], () => `SELECT orders.id, customers.name ${OC}`);
kind([['city', 'city'], ['country', 'country'], ['name', 'name']], [(c, w) => `List each order's date with the customer's ${w}.`, (c, w) => `Show order dates and the ${w} of whoever ordered.`], (c) => `SELECT orders.ordered_at, customers.${c} ${OC}`);
kind(each(customers), [(n) => `How many orders did ${n} place?`, (n) => `Count the orders of ${n}.`, (n) => `Number of orders from ${n}?`], (n) => `SELECT count(*) ${OC} WHERE customers.name = ${q(n)}`);
kind(each(customers), [(n) => `Which orders did ${n} place?`, (n) => `List the order ids of ${n}.`, (n) => `Show ${n}'s orders.`], (n) => `SELECT orders.id ${OC} WHERE customers.name = ${q(n)}`);
kind(each(customers), [(n) => `When did ${n} place orders?`, (n) => `List the dates of ${n}'s orders.`], (n) => `SELECT orders.ordered_at ${OC} WHERE customers.name = ${q(n)}`);
kind(each(customers), [(n) => `What are the statuses of ${n}'s orders?`, (n) => `Show the status of every order by ${n}.`], (n) => `SELECT orders.status ${OC} WHERE customers.name = ${q(n)}`);
kind(each(countries), [(c) => `How many orders came from ${place(c)}?`, (c) => `Count orders placed by customers in ${place(c)}.`], (c) => `SELECT count(*) ${OC} WHERE customers.country = ${q(c)}`);
kind(each(countries), [(c) => `Which orders were placed by customers in ${place(c)}?`, (c) => `List order ids from ${place(c)}.`], (c) => `SELECT orders.id ${OC} WHERE customers.country = ${q(c)}`);
kind(each(countries), [(c) => `What statuses have orders from ${place(c)}?`, (c) => `Show the order statuses for customers in ${place(c)}.`], (c) => `SELECT orders.status ${OC} WHERE customers.country = ${q(c)}`);
kind(each(cities), [(c) => `Which orders came from ${c}?`, (c) => `List orders by customers living in ${c}.`], (c) => `SELECT orders.id ${OC} WHERE customers.city = ${q(c)}`);
kind(each(cities), [(c) => `How many orders came from ${c}?`, (c) => `Count the orders of customers in ${c}.`], (c) => `SELECT count(*) ${OC} WHERE customers.city = ${q(c)}`);
kind(each(statuses), [(s) => `Which customers have ${s} orders?`, (s) => `List customers with an order that is ${s}.`, (s) => `Who has a ${s} order?`], (s) => `SELECT DISTINCT customers.name ${OC} WHERE orders.status = ${q(s)}`);
kind(each(countries), [(c) => `Which customers in ${place(c)} have ordered?`, (c) => `List the customers from ${place(c)} with orders.`], (c) => `SELECT DISTINCT customers.name ${OC} WHERE customers.country = ${q(c)}`);
kind(each(orderIds), [(i) => `Who placed order ${i}?`, (i) => `Which customer made order ${i}?`, (i) => `Name the customer of order ${i}.`], (i) => `SELECT customers.name ${OC} WHERE orders.id = ${i}`);
kind(each(orderIds), [(i) => `Which city did order ${i} come from?`, (i) => `Where does the customer of order ${i} live?`], (i) => `SELECT customers.city ${OC} WHERE orders.id = ${i}`);
kind([[]], [() => 'How many orders has each customer placed?', () => 'Count orders per customer.', () => 'Show every customer with their number of orders.'], () => `SELECT customers.name, count(*) ${OC} GROUP BY customers.id`);
kind([[]], [() => 'How many orders come from each country?', () => 'Count orders per customer country.'], () => `SELECT customers.country, count(*) ${OC} GROUP BY customers.country`);
kind([['DESC', 'most'], ['ASC', 'fewest']], [(d, w) => `Which customer placed the ${w} orders?`, (d, w) => `Who has the ${w} orders?`], (d) => `SELECT customers.name ${OC} GROUP BY customers.id ORDER BY count(*) ${d} LIMIT 1`);
kind([['DESC', 'most']], [(d, w) => `Which country ordered the ${w}?`, (d, w) => `From which country do the ${w} orders come?`], (d) => `SELECT customers.country ${OC} GROUP BY customers.country ORDER BY count(*) ${d} LIMIT 1`);
kind([[1], [2]], [(k) => `Which customers have more than ${k} order${k > 1 ? 's' : ''}?`, (k) => `List customers with over ${k} orders.`], (k) => `SELECT customers.name ${OC} GROUP BY customers.id HAVING count(*) > ${k}`);
kind([[]], [() => 'Which customers have exactly one order?', () => 'List customers who ordered only once.'], () => `SELECT customers.name ${OC} GROUP BY customers.id HAVING count(*) = 1`);
kind(each(statuses), [(s) => `How many ${s} orders does each customer have?`, (s) => `Count ${s} orders per customer.`], (s) => `SELECT customers.name, count(*) ${OC} WHERE orders.status = ${q(s)} GROUP BY customers.id`);
kind([[]], [() => 'Which customers have not placed any order?', () => 'List customers without orders.', () => 'Who never ordered?'], () => 'SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)');
kind([[]], [() => 'Count the customers who never ordered.', () => 'How many customers have no orders?'], () => 'SELECT count(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)');
kind([[]], [() => 'How many orders does every customer have, including those with none?', () => 'Count each customer\'s orders, showing zero for customers who never ordered.'], () => 'SELECT customers.name, count(orders.id) FROM customers LEFT JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id');

// --- order lines with products (and orders, customers)
const IP = 'FROM order_items JOIN products ON order_items.product_id = products.id';
kind(each(products), [(n) => `Which orders contain the ${lower(n)}?`, (n) => `List order ids that include a ${lower(n)}.`, (n) => `In which orders was the ${lower(n)} bought?`], (n) => `SELECT order_items.order_id ${IP} WHERE products.name = ${q(n)}`);
kind(each(products), [(n) => `How many units of the ${lower(n)} were sold?`, (n) => `Total quantity ordered of the ${lower(n)}?`], (n) => `SELECT sum(order_items.quantity) ${IP} WHERE products.name = ${q(n)}`);
kind(each(products), [(n) => `In how many orders does the ${lower(n)} appear?`, (n) => `Count the orders with a ${lower(n)}.`], (n) => `SELECT count(*) ${IP} WHERE products.name = ${q(n)}`);
kind(each(orderIds), [(i) => `Which products are in order ${i}?`, (i) => `What was bought in order ${i}?`, (i) => `List the products of order number ${i}.`], (i) => `SELECT products.name ${IP} WHERE order_items.order_id = ${i}`);
kind(each(orderIds), [(i) => `List the products and quantities in order ${i}.`, (i) => `What products, and how many of each, does order ${i} have?`], (i) => `SELECT products.name, order_items.quantity ${IP} WHERE order_items.order_id = ${i}`);
kind(each(categories), [(c) => `How many units of ${categoryWord(c)} were sold?`, (c) => `Total quantity ordered in the ${c} category?`], (c) => `SELECT sum(order_items.quantity) ${IP} WHERE products.category = ${q(c)}`);
kind(each(categories), [(c) => `Which orders include ${categoryWord(c)}?`, (c) => `List orders containing something from ${c}.`], (c) => `SELECT DISTINCT order_items.order_id ${IP} WHERE products.category = ${q(c)}`);
kind([[]], [() => 'How many units of each product were sold?', () => 'Total quantity ordered per product.', () => 'Show each product with the units sold.'], () => `SELECT products.name, sum(order_items.quantity) FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.id`);
kind([[]], [() => 'In how many orders does each product appear?', () => 'Count the orders per product.'], () => `SELECT products.name, count(*) FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.id`);
kind([[]], [() => 'How many units were sold in each category?', () => 'Total quantity ordered per category.'], () => `SELECT products.category, sum(order_items.quantity) FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.category`);
kind([['DESC', 'best-selling', 'most units'], ['ASC', 'worst-selling', 'fewest units']], [(d, a, b) => `Which product is the ${a}?`, (d, a, b) => `Which product sold the ${b}?`], (d) => `SELECT products.name FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.id ORDER BY sum(order_items.quantity) ${d} LIMIT 1`);
kind([['DESC', 'most'], ['ASC', 'fewest']], [(d, w) => `Which product was ordered the ${w} times?`, (d, w) => `Which product is in the ${w} orders?`], (d) => `SELECT products.name FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.id ORDER BY count(*) ${d} LIMIT 1`);
kind([['DESC', 'most'], ['ASC', 'fewest']], [(d, w) => `Which category sold the ${w} items?`, (d, w) => `The category with the ${w} units ordered?`], (d) => `SELECT products.category FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.category ORDER BY sum(order_items.quantity) ${d} LIMIT 1`);
kind([[]], [() => 'What is the revenue of each category in dollars?', () => 'Sales per category, in dollars.'], () => `SELECT products.category, sum(order_items.quantity * products.price_cents) / 100.0 ${IP} GROUP BY products.category`);
kind([[]], [() => 'What is the revenue of each product in dollars?', () => 'Sales per product, in dollars.'], () => `SELECT products.name, sum(order_items.quantity * products.price_cents) / 100.0 ${IP} GROUP BY products.id`);
kind([[]], [() => 'Which products were never ordered?', () => 'List the products nobody has bought.', () => 'Products with no orders?'], () => 'SELECT name FROM products WHERE id NOT IN (SELECT product_id FROM order_items)');
kind([[]], [() => 'How many products were never ordered?', () => 'Count the unsold products.'], () => 'SELECT count(*) FROM products WHERE id NOT IN (SELECT product_id FROM order_items)');
kind([[]], [() => 'Which products have been ordered?', () => 'List products that sold at least once.'], () => 'SELECT name FROM products WHERE id IN (SELECT product_id FROM order_items)');

const OIC = 'FROM customers JOIN orders ON orders.customer_id = customers.id JOIN order_items ON order_items.order_id = orders.id JOIN products ON order_items.product_id = products.id';
kind(each(products), [(n) => `Who bought the ${lower(n)}?`, (n) => `Which customers ordered a ${lower(n)}?`, (n) => `List customers who purchased the ${lower(n)}.`], (n) => `SELECT DISTINCT customers.name ${OIC} WHERE products.name = ${q(n)}`);
kind(each(categories), [(c) => `Which customers bought ${categoryWord(c)}?`, (c) => `Who ordered something from the ${c} category?`], (c) => `SELECT DISTINCT customers.name ${OIC} WHERE products.category = ${q(c)}`);
kind(each(customers), [(n) => `What products did ${n} buy?`, (n) => `Which products has ${n} ordered?`, (n) => `List everything ${n} purchased.`], (n) => `SELECT DISTINCT products.name ${OIC} WHERE customers.name = ${q(n)}`);
kind(each(customers), [(n) => `How many units did ${n} buy altogether?`, (n) => `Total quantity ordered by ${n}?`], (n) => `SELECT sum(order_items.quantity) ${OIC} WHERE customers.name = ${q(n)}`);
kind(each(countries), [(c) => `Which products were bought by customers in ${place(c)}?`, (c) => `List products ordered from ${place(c)}.`], (c) => `SELECT DISTINCT products.name ${OIC} WHERE customers.country = ${q(c)}`);
kind(each(countries), [(c) => `How many units were ordered by customers in ${place(c)}?`, (c) => `Total quantity bought from ${place(c)}?`], (c) => `SELECT sum(order_items.quantity) ${OIC} WHERE customers.country = ${q(c)}`);
kind([[]], [() => 'How many units has each customer bought?', () => 'Total quantity ordered per customer.'], () => `SELECT customers.name, sum(order_items.quantity) ${OIC} GROUP BY customers.id`);

const CT = 'FROM customers JOIN order_totals ON order_totals.customer_id = customers.id';
kind([[]], [() => 'How much has each customer spent?', () => 'Total spending per customer.', () => 'Show every customer with the sum of their order totals.'], () => `SELECT customers.name, sum(order_totals.total) ${CT} GROUP BY customers.id`);
kind(each(customers), [(n) => `How much has ${n} spent?`, (n) => `What is the total value of ${n}'s orders?`, (n) => `Sum of ${n}'s order totals?`], (n) => `SELECT sum(order_totals.total) ${CT} WHERE customers.name = ${q(n)}`);
kind([['DESC', 'most', 'biggest'], ['ASC', 'least', 'smallest']], [(d, a, b) => `Who spent the ${a}?`, (d, a, b) => `Which customer is the ${b} spender?`], (d) => `SELECT customers.name ${CT} GROUP BY customers.id ORDER BY sum(order_totals.total) ${d} LIMIT 1`);
for (const x of [100, 300, 500]) {
  kind([[x]], [(v) => `Which customers spent more than ${v} dollars?`, (v) => `List customers whose orders total over $${v}.`], (v) => `SELECT customers.name ${CT} GROUP BY customers.id HAVING sum(order_totals.total) > ${v}`);
}
kind(each(countries), [(c) => `How much have customers in ${place(c)} spent?`, (c) => `Total order value from ${place(c)}?`], (c) => `SELECT sum(order_totals.total) ${CT} WHERE customers.country = ${q(c)}`);
kind(each(statuses), [(s) => `What is the total value of ${s} orders?`, (s) => `Sum of order totals for ${s} orders?`], (s) => `SELECT sum(order_totals.total) FROM order_totals JOIN orders ON orders.id = order_totals.order_id WHERE orders.status = ${q(s)}`);
kind([[]], [() => 'Which customer placed the biggest order?', () => 'Who made the single most valuable order?'], () => `SELECT customers.name ${CT} ORDER BY order_totals.total DESC LIMIT 1`);

// --- render, check and write
const normalise = (sql) => sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim().toLowerCase();
const heldout = readFileSync(join(ROOT, 'examples', 'shop-heldout.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const heldoutSql = new Set(heldout.map((row) => normalise(row.sql)));
const heldoutQuestions = new Set(heldout.map((row) => row.question.toLowerCase()));
const WORDINGS_PER_VALUE_SET = 3;

const seen = new Set();
const rows = [];
let skippedHeldout = 0;
for (const { valueSets, wordings, sql } of kinds) {
  for (const values of valueSets) {
    const text = sql(...values);
    if (heldoutSql.has(normalise(text))) {
      skippedHeldout++;
      continue;
    }
    try {
      db.prepare(text).all();
    } catch (error) {
      throw new Error(`does not run on shop.sqlite: ${text}: ${error.message}`);
    }
    // Every wording when a kind has one value set; otherwise a few, so each kind weighs about the same.
    const count = valueSets.length === 1 ? wordings.length : Math.min(wordings.length, WORDINGS_PER_VALUE_SET);
    const order = [...wordings.keys()].sort(() => random() - 0.5).slice(0, count);
    for (const index of order) {
      const question = wordings[index](...values);
      const key = `${question}\n${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (heldoutQuestions.has(question.toLowerCase())) throw new Error(`a held-out question would be trained on: ${question}`);
      rows.push({ question, sql: text, db: 'shop.sqlite' });
    }
  }
}
const temporary = `${OUT}.tmp`;
writeFileSync(temporary, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
renameSync(temporary, OUT);
console.log(`wrote ${rows.length} questions (${new Set(rows.map((r) => r.sql)).size} queries, ${kinds.length} kinds) to ${OUT}; ${skippedHeldout} held-out queries left out`);
