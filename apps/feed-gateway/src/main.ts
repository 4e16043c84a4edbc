import 'reflect-metadata';
import { loadConfigOrExit } from '@md/config';
import { runService } from '@md/observability';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';

const config = loadConfigOrExit(GatewayConfig);
runService('feed-gateway', config, AppModule.with(config));
