import type { DeployFacts } from '@/lib/proof/deploy-facts';
import type { RegionFit } from '@/lib/content/regions';
import { deployGlance, usd } from '@/lib/deploy-glance';
const cell = 'border-b border-slate-200 px-3 py-2 align-top dark:border-slate-800';

/** Quotas, idle costs, prerequisites and Regions, all read from the synthesized templates. */
export function BeforeYouDeploy({ facts, regions, idleReasons }: { facts: DeployFacts; regions?: RegionFit; idleReasons: readonly { construct: string; why: string }[] }) {
  const { usd: total, openEnded } = deployGlance(facts).idle;
  return (
    <div className="space-y-8 text-sm">
      <section aria-labelledby="deploy-quotas">
        <h3 id="deploy-quotas" className="mb-2 text-base font-semibold">Account quotas it uses</h3>
        {facts.quotas.length === 0 ? (
          <p>Nothing close to a default quota: a fresh account deploys it as it is.</p>
        ) : (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Quotas">
            <table className="w-full text-left">
              <thead><tr><th className={cell} scope="col">Quota</th><th className={cell} scope="col">This stack</th><th className={cell} scope="col">Default</th></tr></thead>
              <tbody>
                {facts.quotas.map((q) => (
                  <tr key={q.quota} data-quota>
                    <td className={cell}>{q.quota}{q.note && <p className="mt-1 text-slate-600 dark:text-slate-400">{q.note}</p>}</td>
                    <td className={cell}>{q.used}</td>
                    <td className={cell}>{q.defaultQuota.toLocaleString('en-US')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="deploy-idle">
        <h3 id="deploy-idle" className="mb-2 text-base font-semibold">What it costs while idle</h3>
        {facts.idle.length === 0 ? (
          <p data-idle-total="0">Nothing billed by the hour: with no traffic it costs nothing beyond stored data and logs.</p>
        ) : (
          <>
            <p data-idle-total={total.toFixed(2)}>
              About <strong>{usd(total)}{openEnded ? ' or more' : ''} a month</strong> with no traffic at all (us-east-1 list prices, rounded):
            </p>
            <ul className="mt-2 list-disc space-y-1 pl-5">
              {facts.idle.map((i) => {
                const reason = idleReasons.find((r) => i.path.split('/').includes(r.construct));
                return (
                  <li key={i.path} data-idle={i.type}>
                    <span className="font-mono text-xs">{i.path.split('/').slice(1, -1).join('/') || i.path}</span> ({i.type}):{' '}
                    {i.monthlyUsd !== undefined ? `about ${usd(i.monthlyUsd)} a month, ` : ''}{i.basis}.{reason && <> {reason.why}</>}
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </section>
      <section aria-labelledby="deploy-needs">
        <h3 id="deploy-needs" className="mb-2 text-base font-semibold">What you need</h3>
        <ul className="list-disc space-y-1 pl-5">
          <li>An account and Region bootstrapped once with <code>npx cdk bootstrap</code>{facts.usesAssets ? ': the stack uploads its function code as assets' : ''}.</li>
          <li data-docker={facts.needsDocker}>
            {facts.needsDocker ? 'Docker running on the machine that deploys: the stack builds a container image from a local Dockerfile.' : 'No Docker: functions are bundled with esbuild on your machine.'}
          </li>
          {facts.needsApiGatewayLogsRole && (
            <li data-apigw-logs-role>
              API Gateway&apos;s CloudWatch Logs role set once for the account in this Region: the REST API stage writes logs, and
              API Gateway refuses to deploy a logging stage until that role is set. <code>aws apigateway get-account</code> shows a{' '}
              <code>cloudwatchRoleArn</code> when it is; if not, create a role that <code>apigateway.amazonaws.com</code> may assume with
              the AWS managed policy <code>AmazonAPIGatewayPushToCloudWatchLogs</code>, then run{' '}
              <code>aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=&lt;role ARN&gt;</code>.
            </li>
          )}
          <li data-alarms={facts.alarms}>
            {facts.alarms > 0
              ? <>{facts.alarms} CloudWatch alarm{facts.alarms > 1 ? 's' : ''} notify the stack&apos;s alarm topic; deploy with <code>-c alarmEmail=you@example.com</code> to be e-mailed (confirm the subscription mail).</>
              : 'No alarms: nothing in this stack fails without a caller seeing it.'}
          </li>
        </ul>
      </section>
      {regions && (
        <section aria-labelledby="deploy-regions">
          <h3 id="deploy-regions" className="mb-2 text-base font-semibold">Regions</h3>
          {regions.everywhere ? (
            <p data-regions="all">Every resource type it uses exists in all {regions.regionCount} commercial Regions ({regions.source}&apos;s data).</p>
          ) : (
            <>
              <p data-regions="some">Deploys in {regions.regionCount - regions.gaps.length} of {regions.regionCount} commercial Regions ({regions.source}&apos;s data). Not in:</p>
              <ul className="mt-2 list-disc space-y-1 pl-5">
                {regions.gaps.map((g) => <li key={g.region}><code>{g.region}</code>: no {g.types.join(', ')}</li>)}
              </ul>
            </>
          )}
          {regions.unknown.length > 0 && <p className="mt-2">Not in that data, so unchecked: {regions.unknown.join(', ')}.</p>}
        </section>
      )}
    </div>
  );
}
