import 'reflect-metadata';
import { loadConfigOrExit } from '@md/config';
import { runService } from '@md/observability';
import { AppModule } from './app.module';
import { QualityConfig } from './config';

const config = loadConfigOrExit(QualityConfig);
runService('quality-monitor', config, AppModule.with(config));
