import { equal as assertEquals } from "node:assert/strict";
import { redactSecrets, redactUrl } from "./redact.ts";

const urlCases: [string, string][] = [
  ["postgres://app:s3cret@db.example.com:5432/shop", "postgres://app:***@db.example.com:5432/shop"],
  [
    "postgresql://app:s3cret@localhost/shop?sslmode=require",
    "postgresql://app:***@localhost/shop?sslmode=require",
  ],
  ["postgres://app@localhost/shop", "postgres://app@localhost/shop"],
  ["postgres://localhost:5432/shop", "postgres://localhost:5432/shop"],
  ["postgres://app:p%40ss%2Fw0rd@db/shop", "postgres://app:***@db/shop"],
  ["postgres://app:p@ss@db/shop", "postgres://app:***@db/shop"],
  ["postgres://db/shop?user=app&password=s3cret", "postgres://db/shop?user=app&password=***"],
  ["postgres://app:pa ss@db/shop", "postgres://app:***@db/shop"],
  ["postgres://:s3cret@db/shop", "postgres://:***@db/shop"],
  ["postgres://app:pa/ss@db/shop", "postgres://app:***@db/shop"],
  ["postgres://db/shop?password=p%40ss%20w", "postgres://db/shop?password=***"],
  [
    "postgres://db/shop?sslpassword=s3cret&sslmode=require",
    "postgres://db/shop?sslpassword=***&sslmode=require",
  ],
  ["postgres://app:one@db/shop?password=two", "postgres://app:***@db/shop?password=***"],
  [
    "host=127.0.0.1 user=app password=s3cret dbname=x",
    "host=127.0.0.1 user=app password=*** dbname=x",
  ],
  [
    "host=127.0.0.1 user=app password='s3cret pw' dbname=x",
    "host=127.0.0.1 user=app password=*** dbname=x",
  ],
  ["host=db password = 's3cret pw' dbname=x", "host=db password = *** dbname=x"],
  ["host=db password='it\\'s a \\\\ pw' dbname=x", "host=db password=*** dbname=x"],
  ["host=db password=s3\\ cret dbname=x", "host=db password=*** dbname=x"],
  ["host=db password='never closed dbname=x", "host=db password=***"],
  ["host=db sslpassword='k3y pw' sslmode=require", "host=db sslpassword=*** sslmode=require"],
  ["host=db PASSWORD=S3CRET", "host=db PASSWORD=***"],
  ["pglite://./data", "pglite://./data"],
  ["memory://", "memory://"],
  ["not a url password=s3cret", "not a url password=***"],
];

Deno.test("redactUrl() masks the password and keeps user, host, port and database", async (t) => {
  for (const [input, expected] of urlCases) {
    await t.step(input, () => assertEquals(redactUrl(input), expected));
  }
});

const textCases: [string, string, string[]][] = [
  [
    "connect to postgres://app:s3cret@db:5432/shop failed",
    "connect to postgres://app:***@db:5432/shop failed",
    [],
  ],
  [
    "two: mysql://a:b@h1/x and postgresql://c:d@h2/y.",
    "two: mysql://a:***@h1/x and postgresql://c:***@h2/y.",
    [],
  ],
  ["host=db user=app password=s3cret dbname=shop", "host=db user=app password=*** dbname=shop", []],
  ["auth failed for pa55-Secret!x", "auth failed for ***", ["pa55-Secret!x"]],
  ["auth failed for pa55-Secret!x%40", "auth failed for ***", ["pa55-Secret!x@"]],
  ["encoded p%40ss and decoded p@ss", "encoded *** and decoded ***", ["p%40ss"]],
  ["postgres://db/shop is fine", "postgres://db/shop is fine", []],
  [
    "see http://example.com:80/a and me@example.com",
    "see http://example.com:80/a and me@example.com",
    [],
  ],
  ["nothing to hide", "nothing to hide", ["", "absent"]],
  [
    "failed: postgres://app:pa/ss@db/shop is down",
    "failed: postgres://app:***@db/shop is down",
    [],
  ],
  ["keyword: host=db password='s3cret pw' dbname=x", "keyword: host=db password=*** dbname=x", []],
  ["escaped: password='it\\'s \\\\ pw' user=u", "escaped: password=*** user=u", []],
  ["unquoted escape: password=a\\ b user=u", "unquoted escape: password=*** user=u", []],
  [
    "several: password='one pw', postgres://u:two@h/x, ?password=three&a=1 and sslpassword=four",
    "several: password=***, postgres://u:***@h/x, ?password=***&a=1 and sslpassword=***",
    [],
  ],
  ['{"message":"bad password=s3cret"}', '{"message":"bad password=***"}', []],
  [
    "password_encryption=scram-sha-256 and bypass=1",
    "password_encryption=scram-sha-256 and bypass=1",
    [],
  ],
];

Deno.test("redactSecrets() masks credentials in URLs, password parameters and given secrets", async (t) => {
  for (const [input, expected, secrets] of textCases) {
    await t.step(input, () => assertEquals(redactSecrets(input, secrets), expected));
  }
});
