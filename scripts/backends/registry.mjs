// Every real backend by name. Each module exports install({cacheDir, log}) → {ok:true, seconds, cached} |
// {ok:false, missing}, isInstalled(cacheDir), and start({cacheDir, logDir, ...}) → {urls, ports, logFile, stop()}.
import * as jaeger from './jaeger.mjs';
import * as zipkin from './zipkin.mjs';

export const BACKENDS = { jaeger, zipkin };
