import 'reflect-metadata';
import { loadConfigOrExit } from '@md/config';
import { runService } from '@md/observability';
import { AppModule } from './app.module';
import { FeatureEngineConfig } from './config';

const config = loadConfigOrExit(FeatureEngineConfig);
runService('feature-engine', config, AppModule.with(config));
