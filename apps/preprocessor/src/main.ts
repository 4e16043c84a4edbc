import 'reflect-metadata';
import { loadConfigOrExit } from '@md/config';
import { runService } from '@md/observability';
import { AppModule } from './app.module';
import { PreprocessorConfig } from './config';

const config = loadConfigOrExit(PreprocessorConfig);
runService('preprocessor', config, AppModule.with(config));
