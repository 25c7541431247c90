import { ECSClient, ListTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { createHandler, readConfig } from './extract-request';

// The logic lives in extract-request.ts so tests never load the ECS client; this file only wires it.
const config = readConfig(process.env);
const ecs = new ECSClient({});

export const handler = createHandler(
  {
    runningTasks: async () => {
      // desiredStatus RUNNING also counts tasks that are still provisioning or pulling the image.
      const result = await ecs.send(
        new ListTasksCommand({ cluster: config.clusterArn, family: config.taskFamily, desiredStatus: 'RUNNING' }),
      );
      return result.taskArns?.length ?? 0;
    },
    runTask: async (input) => {
      const result = await ecs.send(new RunTaskCommand(input));
      const taskArn = result.tasks?.[0]?.taskArn;
      if (!taskArn) throw new Error(`RunTask started nothing: ${JSON.stringify(result.failures ?? [])}`);
      return taskArn;
    },
  },
  config,
);
