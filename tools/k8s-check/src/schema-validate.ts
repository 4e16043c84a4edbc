import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import type { K8sObject } from './kustomize-render';

// Schema validation with kubernetes-models (JSON schemas generated from the Kubernetes 1.27 OpenAPI
// and from KEDA's CRDs). Only the kinds deploy/k8s uses are mapped: an object of any other kind is
// a problem, not silently accepted. Note: the schemas allow unknown fields, so a misspelt field
// (livenesProbe) is caught by the invariants in manifest-invariants.ts, not here.
type Model = new (data: any) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/CronJob': CronJob,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

/** Schema problems of one object, as "<kind>/<name>: <message>" lines; empty when valid. */
export function schemaProblems(obj: K8sObject): string[] {
  const id = `${obj.kind}/${obj.metadata?.name}`;
  const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!model) return [`${id}: no schema for ${obj.apiVersion} ${obj.kind} (add it to schema-validate.ts)`];
  try {
    new model(obj).validate();
    return [];
  } catch (err) {
    return [`${id}: ${(err as Error).message}`];
  }
}
