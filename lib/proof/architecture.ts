// Which resources of a template are the architecture, and which are plumbing. By rule, so a
// new pattern needs no list of its own.
import type { Template } from '../content';
import { operationsPlumbing } from './operability';

/** The resource types a reader would expect to see on an architecture diagram. */
export const ARCHITECTURAL_TYPES = new Set([
  'AWS::Lambda::Function',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGatewayV2::Api',
  'AWS::AppSync::GraphQLApi',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
  'AWS::Pipes::Pipe',
  'AWS::StepFunctions::StateMachine',
  'AWS::S3::Bucket',
  'AWS::CloudFront::Distribution',
  'AWS::AmazonMQ::Broker',
  'AWS::EFS::FileSystem',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBProxy',
  'AWS::SecretsManager::Secret',
  'AWS::WAFv2::WebACL',
  'AWS::CloudWatch::Dashboard',
  'AWS::CloudWatch::Alarm',
  'AWS::EC2::VPC',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::Service',
  'AWS::Kinesis::Stream',
  'AWS::Cognito::UserPool',
  'AWS::Glue::Database',
  'AWS::Glue::Table',
  'AWS::Glue::Crawler',
  'AWS::Glue::Job',
  'AWS::Athena::WorkGroup',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::OpenSearchService::Domain',
  'AWS::OpenSearchServerless::Collection',
  'AWS::AppConfig::Application',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::Synthetics::Canary',
  'AWS::Serverless::Application',
  'AWS::MediaLive::Channel',
  'AWS::MediaLive::Input',
  'AWS::MediaPackage::Channel',
  'AWS::MediaPackage::OriginEndpoint',
  'AWS::MediaPackageV2::ChannelGroup',
  'AWS::MediaPackageV2::Channel',
  'AWS::MediaPackageV2::OriginEndpoint',
  'Alexa::ASK::Skill',
]);

/**
 * Constructs the CDK adds to run its own deployment helpers (custom-resource providers,
 * bucket deployments, log retention, bucket notifications). Their construct ids are
 * CDK-owned: a 32-hex-digit singleton suffix, a `Custom::` prefix or the provider framework.
 */
const HELPER_SEGMENT = /(^|[A-Za-z])[0-9a-f]{32}$|^Custom::|^framework-on|CustomResourceProvider$/;

export type StackResource = {
  stack: string;
  logicalId: string;
  type: string;
  path: string;
  segments: string[];
  /** Alarms and their topic: operations plumbing every pattern carries, not drawn by rule. */
  operations: boolean;
};

/** The leaf ids CDK gives the CloudFormation resource inside an L2 construct: they name nothing. */
export const CDK_LEAF_IDS = new Set(['Resource', 'Default']);

/** A construct path's ids below the stack, without CDK's leaf ids: what a reader finds in the code. */
export function constructIds(path: string): string[] {
  return path.split('/').slice(1).filter((s) => s && !CDK_LEAF_IDS.has(s));
}

export function isHelper(path: string): boolean {
  return path.split('/').some((s) => HELPER_SEGMENT.test(s));
}

/** Every resource with its construct path split into segments (the stack name first). */
export function stackResources(stacks: readonly { name: string; template: Template }[]): StackResource[] {
  return stacks.flatMap(({ name, template }) => {
    const plumbing = operationsPlumbing(template);
    return Object.entries(template.Resources).map(([logicalId, r]) => {
      const path = r.Metadata?.['aws:cdk:path'] ?? `${name}/${logicalId}`;
      return { stack: name, logicalId, type: r.Type, path, segments: path.split('/'), operations: plumbing.has(logicalId) };
    });
  });
}

export function architecturalResources(resources: readonly StackResource[]): StackResource[] {
  return resources.filter((r) => ARCHITECTURAL_TYPES.has(r.type) && !isHelper(r.path) && !r.operations);
}
