import type { PoolOptions } from 'mysql2/promise';

/** RDS Proxy for MySQL always listens on 3306, whatever port the database uses. */
export const PROXY_PORT = 3306;

export type ProxySettings = { host: string; user: string; database: string };

export function readSettings(env: Record<string, string | undefined>): ProxySettings {
  const host = env.PROXY_ENDPOINT;
  const user = env.DB_USER;
  const database = env.DB_NAME;
  if (!host || !user || !database) throw new Error('PROXY_ENDPOINT, DB_USER and DB_NAME must all be set');
  return { host, user, database };
}

/**
 * Pool settings for reaching the database through RDS Proxy with an IAM token.
 * The proxy asks for the token through the cleartext plugin, which is why TLS is
 * mandatory; a fresh token is signed for every new connection because each one is
 * valid for only 15 minutes.
 */
export function proxyPoolOptions(settings: ProxySettings, signToken: () => Promise<string>): PoolOptions {
  return {
    host: settings.host,
    port: PROXY_PORT,
    user: settings.user,
    database: settings.database,
    ssl: { rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    authPlugins: {
      mysql_clear_password: () => async () => Buffer.from(`${await signToken()}\0`),
    },
    // One connection per execution environment: the proxy, not the function, does the pooling.
    connectionLimit: 1,
    maxIdle: 1,
    enableKeepAlive: true,
    connectTimeout: 5_000,
    timezone: 'Z',
  };
}
