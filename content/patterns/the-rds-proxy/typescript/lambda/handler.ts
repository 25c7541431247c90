import { Signer } from '@aws-sdk/rds-signer';
import { createPool } from 'mysql2/promise';
import { PROXY_PORT, proxyPoolOptions, readSettings } from './connection';
import { createHandler, sqlGuestbook } from './guestbook';

// Built once per execution environment. The pool connects lazily on the first query,
// and the signer signs tokens locally with the function's role: no network call, so
// the function needs neither a NAT gateway nor a Secrets Manager endpoint.
const settings = readSettings(process.env);
const signer = new Signer({ hostname: settings.host, port: PROXY_PORT, username: settings.user });
const pool = createPool(proxyPoolOptions(settings, () => signer.getAuthToken()));

// query() fills the placeholders on the client; server-side prepared statements
// (execute()) would pin each session to one database connection inside the proxy.
const guestbook = sqlGuestbook(async (sql, params) => (await pool.query(sql, params))[0]);

export const handler = createHandler(guestbook);
