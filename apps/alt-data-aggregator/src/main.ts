import 'reflect-metadata';
import { loadConfigOrExit } from '@md/config';
import { runService } from '@md/observability';
import { AppModule } from './app.module';
import { AltDataConfig } from './config';

const config = loadConfigOrExit(AltDataConfig);
runService('alt-data-aggregator', config, AppModule.with(config));
