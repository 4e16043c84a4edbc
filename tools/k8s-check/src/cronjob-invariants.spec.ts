import { join } from 'node:path';
import { repoRoot } from '@md/testing';
import { readYamlDocuments, type K8sObject } from './kustomize-render';
import { cronJobProblems } from './cronjob-invariants';
import { cronJobRules } from './service-configs';

// The CronJob rules on the backup job as base/ writes it (no render needed: k8s.spec.ts checks it
// in every overlay), and on broken copies of it. The ConfigMaps are there for its env.
const BASE = join(repoRoot(__dirname), 'deploy', 'k8s', 'base');
const backupObjects = (): K8sObject[] =>
  ['mdctl-backup.yaml', 'md-common.configmap.yaml', 'timescale-writer.yaml'].flatMap((f) => readYamlDocuments(join(BASE, f))) as K8sObject[];
const backupPod = (objs: K8sObject[]) => objs.find((o) => o.kind === 'CronJob' && o.metadata.name === 'mdctl-backup')!.spec.jobTemplate.spec.template.spec;

describe('cronJobProblems on the backup CronJob', () => {
  it('accepts it: mdctl\'s command, its variables, md-common whole and a PersistentVolumeClaim to write to', () => {
    const objs = backupObjects();
    expect(backupPod(objs).volumes.map((v: any) => v.name)).toContain('backups');
    expect(cronJobProblems(objs, cronJobRules())).toEqual([]);
  });

  it('reports a CronJob writing to a hostPath or on its root filesystem', () => {
    const objs = backupObjects();
    const pod = backupPod(objs);
    const backups = pod.volumes.find((v: any) => v.name === 'backups');
    delete backups.persistentVolumeClaim;
    backups.hostPath = { path: '/var/backups/md' };
    pod.containers[0].securityContext.readOnlyRootFilesystem = false;
    expect(cronJobProblems(objs, cronJobRules())).toEqual([
      'CronJob/mdctl-backup: readOnlyRootFilesystem is not set',
      'CronJob/mdctl-backup: writable mount /var/backups/md is not an emptyDir or a PersistentVolumeClaim',
    ]);
  });

  it('reports an env name mdctl does not read, a group id its command drops and a $(NAME) with no env', () => {
    const objs = backupObjects();
    const c = backupPod(objs).containers[0];
    // HTTP_HOST is one of md-common's keys: taken whole with envFrom it passes, set by name it does not.
    c.env.push({ name: 'BACKUP_TURBO', value: '1' }, { name: 'HTTP_HOST', value: '0.0.0.0' });
    c.command = c.command.map((arg: string) => arg.replace('EVENTS_GROUP_ID=$(EVENTS_GROUP_ID)', 'RAW_GROUP_ID=$(RAW_GROUP_ID)'));
    expect(cronJobProblems(objs, cronJobRules())).toEqual([
      'CronJob/mdctl-backup: env HTTP_HOST is not a variable mdctl reads',
      'CronJob/mdctl-backup: env EVENTS_GROUP_ID reaches mdctl only as $(EVENTS_GROUP_ID) in its command, which does not use it',
      'CronJob/mdctl-backup: env BACKUP_TURBO is not a variable mdctl reads',
      'CronJob/mdctl-backup: the command uses $(RAW_GROUP_ID), which is not in its env (Kubernetes passes it as written)',
    ]);
  });

  it('reports a program it does not know', () => {
    const objs = backupObjects();
    backupPod(objs).containers[0].command[1] = 'dist/tools/mdctl-next/src/main.js';
    expect(cronJobProblems(objs, cronJobRules())).toEqual([
      expect.stringMatching(/^CronJob\/mdctl-backup: command must be node dist\/<apps\|tools>\/<name>\/src\/\.\.\.\.js of a known program/),
    ]);
  });
});
