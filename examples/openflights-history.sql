-- The query history of an analyst exploring OpenFlights (airlines, airports, routes, planes,
-- countries), a question above each statement. Build the database with `npm run openflights`, then
-- `quarry dataset build --db examples/openflights.duckdb --history examples/openflights-history.sql`
-- turns it into train and test files for fine-tuning (issue 28). Quarry's sample model never saw
-- OpenFlights; held-out questions for measuring an adapter are in openflights-heldout.jsonl, never here.

-- How many airports are there?
SELECT count(*) FROM airports;

-- How many airlines are listed?
SELECT count(*) FROM airlines;

-- How many routes are there?
SELECT count(*) FROM routes;

-- How many airports does Germany have?
SELECT count(*) FROM airports WHERE country = 'Germany';

-- List the airports in Iceland.
SELECT name FROM airports WHERE country = 'Iceland';

-- Which airports are in the city of Chicago?
SELECT name, iata FROM airports WHERE city = 'Chicago';

-- What is the IATA code of London Heathrow Airport?
SELECT iata FROM airports WHERE name = 'London Heathrow Airport';

-- Which city is the airport with code NRT in?
SELECT city, country FROM airports WHERE iata = 'NRT';

-- Which airport is the highest above sea level?
SELECT name, altitude FROM airports ORDER BY altitude DESC LIMIT 1;

-- List the ten highest airports with their altitude.
SELECT name, country, altitude FROM airports ORDER BY altitude DESC LIMIT 10;

-- Which airports lie below sea level?
SELECT name, altitude FROM airports WHERE altitude < 0;

-- What is the average altitude of airports in Switzerland?
SELECT avg(altitude) FROM airports WHERE country = 'Switzerland';

-- How many airports does each country have, most first?
SELECT country, count(*) AS airports FROM airports GROUP BY country ORDER BY airports DESC;

-- Which country has the most airports?
SELECT country FROM airports GROUP BY country ORDER BY count(*) DESC LIMIT 1;

-- Which countries have more than 200 airports?
SELECT country, count(*) FROM airports GROUP BY country HAVING count(*) > 200;

-- Which airports have no IATA code?
SELECT name, country FROM airports WHERE iata IS NULL;

-- How many airports are south of the equator?
SELECT count(*) FROM airports WHERE latitude < 0;

-- Which airports are in the time zone Europe/Paris?
SELECT name FROM airports WHERE tz_db = 'Europe/Paris';

-- How many airports are in each daylight-saving region?
SELECT dst, count(*) FROM airports GROUP BY dst;

-- Which cities have more than one airport in the United Kingdom?
SELECT city, count(*) FROM airports WHERE country = 'United Kingdom' GROUP BY city HAVING count(*) > 1;

-- Which airports have a name containing "International" in Australia?
SELECT name FROM airports WHERE country = 'Australia' AND name LIKE '%International%';

-- Which airlines are based in Canada?
SELECT name FROM airlines WHERE country = 'Canada';

-- How many active airlines are there?
SELECT count(*) FROM airlines WHERE active = 'Y';

-- How many airlines are active in each country, most first?
SELECT country, count(*) FROM airlines WHERE active = 'Y' GROUP BY country ORDER BY count(*) DESC;

-- What is the callsign of Lufthansa?
SELECT callsign FROM airlines WHERE name = 'Lufthansa';

-- Which airline has the IATA code BA?
SELECT name FROM airlines WHERE iata = 'BA';

-- Which airlines have an alias?
SELECT name, alias FROM airlines WHERE alias IS NOT NULL;

-- Which active airlines of Brazil have no ICAO code?
SELECT name FROM airlines WHERE country = 'Brazil' AND active = 'Y' AND icao IS NULL;

-- How many airline names start with "Air"?
SELECT count(*) FROM airlines WHERE name LIKE 'Air%';

-- How many routes leave from JFK?
SELECT count(*) FROM routes WHERE source_airport = 'JFK';

-- Where can you fly nonstop from Reykjavik Keflavik (KEF)?
SELECT DISTINCT destination_airport FROM routes WHERE source_airport = 'KEF' AND stops = 0;

-- How many routes are codeshares?
SELECT count(*) FROM routes WHERE codeshare = 'Y';

-- How many routes have at least one stop?
SELECT count(*) FROM routes WHERE stops > 0;

-- Which airports have the most departing routes?
SELECT source_airport, count(*) AS departures FROM routes GROUP BY source_airport ORDER BY departures DESC LIMIT 10;

-- Which airport has the most arriving routes?
SELECT destination_airport FROM routes GROUP BY destination_airport ORDER BY count(*) DESC LIMIT 1;

-- How many routes does each airline fly, top 10?
SELECT airline, count(*) FROM routes GROUP BY airline ORDER BY count(*) DESC LIMIT 10;

-- Which routes go from London Heathrow to New York JFK, and on which airlines?
SELECT airline FROM routes WHERE source_airport = 'LHR' AND destination_airport = 'JFK';

-- Which aircraft types are used on routes from Singapore (SIN)?
SELECT DISTINCT equipment FROM routes WHERE source_airport = 'SIN';

-- How many routes use an Airbus A380 (equipment 388)?
SELECT count(*) FROM routes WHERE equipment LIKE '%388%';

-- Which planes have an ICAO code starting with B7?
SELECT name, icao FROM planes WHERE icao LIKE 'B7%';

-- What is the IATA code of the Boeing 737-800?
SELECT iata FROM planes WHERE name = 'Boeing 737-800';

-- How many plane types have no IATA code?
SELECT count(*) FROM planes WHERE iata IS NULL;

-- What is the ISO code of Japan?
SELECT iso_code FROM countries WHERE name = 'Japan';

-- Which countries have an empty DAFIF code?
SELECT name FROM countries WHERE dafif_code = '';

-- Which airline names go with the routes out of Dublin (DUB)?
SELECT DISTINCT airlines.name FROM routes JOIN airlines ON routes.airline_id = airlines.airline_id WHERE routes.source_airport = 'DUB';

-- How many routes does British Airways fly?
SELECT count(*) FROM routes JOIN airlines ON routes.airline_id = airlines.airline_id WHERE airlines.name = 'British Airways';

-- Which airlines fly the most routes, by name?
SELECT airlines.name, count(*) AS routes FROM routes JOIN airlines ON routes.airline_id = airlines.airline_id GROUP BY airlines.name ORDER BY routes DESC LIMIT 10;

-- How many routes do airlines from each country fly, top ten countries?
SELECT airlines.country, count(*) FROM routes JOIN airlines ON routes.airline_id = airlines.airline_id GROUP BY airlines.country ORDER BY count(*) DESC LIMIT 10;

-- Which destination cities can be reached nonstop from Paris Charles de Gaulle?
SELECT DISTINCT airports.city FROM routes JOIN airports ON routes.destination_airport_id = airports.airport_id WHERE routes.source_airport = 'CDG' AND routes.stops = 0;

-- How many routes leave from airports in Italy?
SELECT count(*) FROM routes JOIN airports ON routes.source_airport_id = airports.airport_id WHERE airports.country = 'Italy';

-- Which countries can be reached directly from Dubai (DXB)?
SELECT DISTINCT airports.country FROM routes JOIN airports ON routes.destination_airport_id = airports.airport_id WHERE routes.source_airport = 'DXB';

-- Which airports in Spain have the most departing routes?
SELECT airports.name, count(*) FROM routes JOIN airports ON routes.source_airport_id = airports.airport_id WHERE airports.country = 'Spain' GROUP BY airports.name ORDER BY count(*) DESC LIMIT 5;

-- How many domestic routes are there within the United States?
SELECT count(*) FROM routes JOIN airports AS src ON routes.source_airport_id = src.airport_id JOIN airports AS dst ON routes.destination_airport_id = dst.airport_id WHERE src.country = 'United States' AND dst.country = 'United States';

-- Which routes connect two different countries from Norway?
SELECT routes.source_airport, routes.destination_airport, dst.country FROM routes JOIN airports AS src ON routes.source_airport_id = src.airport_id JOIN airports AS dst ON routes.destination_airport_id = dst.airport_id WHERE src.country = 'Norway' AND dst.country <> 'Norway';

-- Which airports have no departing routes at all, in Greenland?
SELECT name FROM airports WHERE country = 'Greenland' AND airport_id NOT IN (SELECT source_airport_id FROM routes WHERE source_airport_id IS NOT NULL);

-- How many airlines have no routes?
SELECT count(*) FROM airlines WHERE airline_id NOT IN (SELECT airline_id FROM routes WHERE airline_id IS NOT NULL);

-- Which airlines fly out of both Tokyo Haneda (HND) and Osaka Kansai (KIX)?
SELECT DISTINCT airline FROM routes WHERE source_airport = 'HND' INTERSECT SELECT DISTINCT airline FROM routes WHERE source_airport = 'KIX';

-- Which airports serve more destinations than the average airport?
SELECT source_airport FROM routes GROUP BY source_airport HAVING count(DISTINCT destination_airport) > (SELECT avg(n) FROM (SELECT count(DISTINCT destination_airport) AS n FROM routes GROUP BY source_airport));

-- How many distinct airports does Ryanair fly from?
SELECT count(DISTINCT routes.source_airport) FROM routes JOIN airlines ON routes.airline_id = airlines.airline_id WHERE airlines.name = 'Ryanair';

-- Which active airlines fly from Sydney (SYD)?
SELECT DISTINCT airlines.name FROM routes JOIN airlines ON routes.airline_id = airlines.airline_id WHERE routes.source_airport = 'SYD' AND airlines.active = 'Y';

-- Which aircraft types fly the most routes?
SELECT equipment, count(*) FROM routes GROUP BY equipment ORDER BY count(*) DESC LIMIT 10;

-- What are the busiest airports, by the busiest_airports view?
SELECT name, departures FROM busiest_airports ORDER BY departures DESC LIMIT 10;

-- How many routes leave from each airport type?
SELECT airports.type, count(*) FROM routes JOIN airports ON routes.source_airport_id = airports.airport_id GROUP BY airports.type;

-- What share of routes are nonstop?
SELECT avg(CASE WHEN stops = 0 THEN 1.0 ELSE 0.0 END) FROM routes;

-- Which airports are more than 3000 metres high, with their country's ISO code?
SELECT airports.name, countries.iso_code FROM airports JOIN countries ON airports.country = countries.name WHERE airports.altitude > 9843;

-- Which time zones have the most airports?
SELECT tz_db, count(*) FROM airports WHERE tz_db IS NOT NULL GROUP BY tz_db ORDER BY count(*) DESC LIMIT 5;

-- What are the northernmost airports?
SELECT name, country, latitude FROM airports ORDER BY latitude DESC LIMIT 5;

-- Which airports lie between latitudes 0 and 1 degree north?
SELECT name, country FROM airports WHERE latitude BETWEEN 0 AND 1;

-- How many airlines does each country have, for countries with at least 50?
SELECT country, count(*) FROM airlines GROUP BY country HAVING count(*) >= 50 ORDER BY count(*) DESC;

-- Which airports in Mexico are served by AeroMéxico?
SELECT DISTINCT airports.name FROM routes JOIN airlines ON routes.airline_id = airlines.airline_id JOIN airports ON routes.source_airport_id = airports.airport_id WHERE airlines.name = 'AeroMéxico' AND airports.country = 'Mexico';
