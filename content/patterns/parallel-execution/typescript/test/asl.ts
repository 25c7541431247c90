import type { Template } from 'aws-cdk-lib/assertions';
import { evaluateField } from './jsonata-subset';

/** ASL read back as plain JSON. */
export type Asl = any;

/** Turns the Fn::Join'ed definition back into ASL, writing each token as a readable placeholder such as <Stock1234ABCD>. */
export function aslOf(template: Template): Asl {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  const text = parts
    .map((part: any) => {
      if (typeof part === 'string') return part;
      if (part['Fn::GetAtt']) return `<${part['Fn::GetAtt'][0]}.${part['Fn::GetAtt'][1]}>`;
      if (part.Ref) return `<${part.Ref}>`;
      throw new Error(`unexpected token ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(text);
}

/** What the branches talk to: the real handlers, a stock table as sku → available, and errors to inject. */
export interface World {
  functions: Record<'FraudScorer' | 'ShippingQuoter', (event: unknown) => Promise<unknown>>;
  stock: Record<string, number>;
  /** An error name a target keeps raising through every retry, as a throttled or broken dependency does. */
  failing?: Partial<Record<'FraudScorer' | 'ShippingQuoter' | 'Stock', string>>;
}

export type Outcome = { status: 'SUCCEEDED'; endState: string; output: any } | { status: 'FAILED'; error: string; cause: string };

class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
  }
}

/**
 * Runs an execution through the synthesized definition the way Step Functions would for the state types this
 * workflow uses, with the real JSONata strings. Retries are not replayed: an injected error is one that outlasts them.
 */
export async function simulate(asl: Asl, input: unknown, world: World): Promise<Outcome> {
  try {
    const { endState, output } = await runStates(asl, input, world);
    return { status: 'SUCCEEDED', endState, output };
  } catch (e) {
    if (e instanceof StatesError) return { status: 'FAILED', error: e.error, cause: e.cause };
    throw e;
  }
}

async function runStates(machine: Asl, input: unknown, world: World): Promise<{ endState: string; output: unknown }> {
  let name: string = machine.StartAt;
  let data = input;
  for (;;) {
    const state = machine.States[name];
    if (!state) throw new Error(`no state named ${name}`);
    const env = (extra: Record<string, unknown> = {}) => ({ states: { input: data, ...extra } });
    let next: string | undefined = state.Next;
    let end = Boolean(state.End);
    let output: unknown;
    switch (state.Type) {
      case 'Parallel': {
        // Every branch gets its own copy of the input; the first failing branch, in branch order, fails the state.
        const settled = await Promise.allSettled(state.Branches.map((branch: Asl) => runStates(branch, structuredClone(data), world)));
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
        const results = settled.map((s) => (s as PromiseFulfilledResult<{ output: unknown }>).value.output);
        output = state.Output === undefined ? results : evaluateField(state.Output, env({ result: results }));
        break;
      }
      case 'Task': {
        let result: unknown;
        try {
          result = await invoke(state, evaluateField(state.Arguments, env()), world);
        } catch (e) {
          if (!(e instanceof StatesError)) throw e;
          const catcher = (state.Catch ?? []).find((c: Asl) => c.ErrorEquals.includes(e.error) || c.ErrorEquals.includes('States.ALL'));
          if (!catcher) throw e;
          output = evaluateField(catcher.Output ?? '{% $states.errorOutput %}', env({ errorOutput: { Error: e.error, Cause: e.cause } }));
          next = catcher.Next;
          end = false;
          break;
        }
        output = state.Output === undefined ? result : evaluateField(state.Output, env({ result }));
        break;
      }
      case 'Pass':
        output = state.Output === undefined ? data : evaluateField(state.Output, env());
        break;
      case 'Choice': {
        const rule = state.Choices.find((c: Asl) => {
          const verdict = evaluateField(c.Condition, env());
          if (typeof verdict !== 'boolean') throw new Error(`condition ${c.Condition} gave ${JSON.stringify(verdict)}, not a boolean`);
          return verdict;
        });
        next = rule ? rule.Next : state.Default;
        if (!next) throw new StatesError('States.NoChoiceMatched', name);
        output = rule?.Output === undefined ? data : evaluateField(rule.Output, env());
        break;
      }
      case 'Succeed':
        return { endState: name, output: state.Output === undefined ? data : evaluateField(state.Output, env()) };
      default:
        throw new Error(`state type ${state.Type} is outside this simulator`);
    }
    if (end || next === undefined) return { endState: name, output };
    name = next;
    data = output;
  }
}

async function invoke(state: Asl, args: any, world: World): Promise<unknown> {
  if (/:states:::lambda:invoke$/.test(state.Resource)) {
    const target = /^<(FraudScorer|ShippingQuoter)[0-9A-F]{8}\.Arn>$/.exec(args.FunctionName)?.[1] as 'FraudScorer' | 'ShippingQuoter' | undefined;
    if (!target) throw new Error(`unknown function ${args.FunctionName}`);
    const injected = world.failing?.[target];
    if (injected) throw new StatesError(injected, `${target} kept failing`);
    try {
      // Through JSON, as Step Functions passes the payload.
      return { Payload: JSON.parse(JSON.stringify(await world.functions[target](JSON.parse(JSON.stringify(args.Payload))))) };
    } catch (e) {
      // A function error reaches the workflow with the error's name as Error; the real Cause is Lambda's error JSON,
      // reduced here to its message.
      throw new StatesError((e as Error).name, (e as Error).message);
    }
  }
  if (/:states:::dynamodb:getItem$/.test(state.Resource)) {
    if (!/^<Stock[0-9A-F]{8}>$/.test(args.TableName)) throw new Error(`unknown table ${args.TableName}`);
    if (world.failing?.Stock) throw new StatesError(world.failing.Stock, 'the Stock table kept failing');
    const sku = args.Key.sku.S as string;
    const available = world.stock[sku];
    return available === undefined ? {} : { Item: { sku: { S: sku }, available: { N: String(available) } } };
  }
  throw new Error(`unknown resource ${state.Resource}`);
}
