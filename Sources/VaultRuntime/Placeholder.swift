import Hummingbird; import GRDB; import Crypto; import Logging; import Metrics; import Prometheus; import ServiceLifecycle; import Mustache
