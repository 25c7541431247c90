import type { Stack} from 'aws-cdk-lib';
import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';

/** The resource server identifier: scopes read `orders/read` and `orders/write` in tokens and on methods. */
export const RESOURCE_SERVER_ID = 'orders';
/** Where the hosted sign-in page sends the browser back with the authorization code, unless -c callbackUrl=... says otherwise. */
export const DEFAULT_CALLBACK_URL = 'http://localhost:8080/callback';

// Cognito's own rules for a prefix domain, plus its reserved words.
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED = /aws|amazon|cognito/;

export type UserDirectory = {
  users: UserPool;
  webClient: UserPoolClient;
  domain: UserPoolDomain;
  /** `orders/read` and `orders/write`, as plain strings for the API methods to demand. */
  readScope: string;
  writeScope: string;
};

/**
 * The prefix of the hosted sign-in domain, which must be unique in the Region across every
 * AWS account. Taken from -c authDomainPrefix=... when given; otherwise `orders-` plus the last
 * group of this stack's own UUID, which no other stack anywhere shares.
 */
export function domainPrefix(stack: Stack): string {
  const chosen: unknown = stack.node.tryGetContext('authDomainPrefix');
  if (chosen === undefined) {
    const stackUuid = Fn.select(2, Fn.split('/', stack.stackId));
    return `orders-${Fn.select(4, Fn.split('-', stackUuid))}`;
  }
  if (typeof chosen !== 'string' || !DOMAIN_PREFIX.test(chosen) || RESERVED.test(chosen)) {
    throw new Error(
      `authDomainPrefix must be 1-63 lowercase letters, digits or hyphens, not start or end with a hyphen, and not contain aws, amazon or cognito; got ${JSON.stringify(chosen)}`,
    );
  }
  return chosen;
}

/** The sign-in callback: https anywhere, plain http only on localhost, as Cognito itself requires. */
export function callbackUrl(stack: Stack): string {
  const chosen: unknown = stack.node.tryGetContext('callbackUrl') ?? DEFAULT_CALLBACK_URL;
  if (typeof chosen !== 'string' || !/^(https:\/\/[^\s]+|http:\/\/localhost(:\d+)?(\/[^\s]*)?)$/.test(chosen)) {
    throw new Error(`callbackUrl must be an https URL or http://localhost; got ${JSON.stringify(chosen)}`);
  }
  return chosen;
}

/** The user pool people sign in to, its OAuth scopes, hosted domain and the one app client. */
export function createUserDirectory(stack: Stack): UserDirectory {
  const users = new UserPool(stack, 'Users', {
    // Essentials: managed login, TOTP MFA and access-token scopes, with 10,000 free MAUs a month.
    // Plus would add threat protection at $0.02 for every MAU with no free tier (see the page).
    featurePlan: FeaturePlan.ESSENTIALS,
    // People are invited by an administrator; nobody can create an account from the sign-in page.
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    autoVerify: { email: true },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    // Every sign-in needs an authenticator app code. SMS is off: it needs an SNS role,
    // leaves the SMS sandbox only on request, bills per message and falls to SIM swaps.
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    // A demo pool: `cdk destroy` deletes it together with every user in it. Use RETAIN and
    // deletionProtection for a pool that holds real people.
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
  });
  Validations.of(users).acknowledge({
    id: 'AwsSolutions-COG8',
    reason:
      'The Plus plan bills $0.02 for every monthly active user with no free tier, against 10,000 free on Essentials; MFA is required instead, and the page says how to switch threat protection on.',
  });

  const read = new ResourceServerScope({ scopeName: 'read', scopeDescription: 'List your own orders' });
  const write = new ResourceServerScope({ scopeName: 'write', scopeDescription: 'Place orders' });
  const ordersServer = new UserPoolResourceServer(stack, 'OrdersResourceServer', {
    userPool: users,
    identifier: RESOURCE_SERVER_ID,
    userPoolResourceServerName: 'Orders API',
    scopes: [read, write],
  });
  // The client's scopes reference the resource server, so CloudFormation creates it first.
  const readScope = OAuthScope.resourceServer(ordersServer, read);
  const writeScope = OAuthScope.resourceServer(ordersServer, write);

  const domain = new UserPoolDomain(stack, 'UsersDomain', {
    userPool: users,
    cognitoDomain: { domainPrefix: domainPrefix(stack) },
  });

  const redirect = callbackUrl(stack);
  // A public client for a browser or mobile app: no secret to leak, authorization code grant
  // only (used with PKCE), so tokens never travel in a URL fragment as with the implicit grant.
  const webClient = new UserPoolClient(stack, 'WebClient', {
    userPool: users,
    generateSecret: false,
    authFlows: { userSrp: true },
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, readScope, writeScope],
      callbackUrls: [redirect],
      logoutUrls: [redirect],
    },
    supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    accessTokenValidity: Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(30),
  });

  return {
    users,
    webClient,
    domain,
    readScope: `${RESOURCE_SERVER_ID}/${read.scopeName}`,
    writeScope: `${RESOURCE_SERVER_ID}/${write.scopeName}`,
  };
}
