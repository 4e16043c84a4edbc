import 'reflect-metadata';
import { loadConfigOrExit } from '@md/config';
import { runService } from '@md/observability';
import { AppModule } from './app.module';
import { WriterConfig } from './config';

const config = loadConfigOrExit(WriterConfig);
runService('timescale-writer', config, AppModule.with(config));
