import Hummingbird
import VaultContract
import VaultDomain

// The contract's answers are written by the request context's encoder (`ContractJSON`).
extension GenerationView: ResponseEncodable {}
extension GenerationPage: ResponseEncodable {}
extension GenerationPlan: ResponseEncodable {}
extension ImportAnswer: ResponseEncodable {}
extension SpendReport: ResponseEncodable {}
extension TeamBudgetStatus: ResponseEncodable {}
extension TeamBudgetList: ResponseEncodable {}
extension UploadedFile: ResponseEncodable {}
extension CreatedShare: ResponseEncodable {}
extension ShareView: ResponseEncodable {}
extension CollectionView: ResponseEncodable {}
extension TokenView: ResponseEncodable {}
extension ErrorBody: ResponseEncodable {}
extension ModelSummary: ResponseEncodable {}
extension ModelDetail: ResponseEncodable {}
extension EndpointView: ResponseEncodable {}
extension DeliveryView: ResponseEncodable {}
extension StatusAnswer: ResponseEncodable {}
extension Readiness: ResponseEncodable {}
