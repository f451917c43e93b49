"""Checkov's CloudFormation checks: id -> name and resource types. Generated; do not edit.

Regenerate: .venv-checkov/bin/python tests/gen_checkov_checks.py > compiler/_checkov_checks.py
"""

CHECKOV_VERSION = "3.3.30"

CHECKS: dict[str, dict] = {
    "CKV2_AWS_33": {"name": "Ensure AppSync is protected by WAF", "types": ("AWS::AppSync::GraphQLApi",)},
    "CKV2_AWS_68": {
        "name": "Ensure SageMaker notebook instance IAM policy is not overly permissive",
        "types": ("AWS::IAM::Role", "AWS::SageMaker::NotebookInstance"),
    },
    "CKV2_AWS_69": {"name": "Ensure AWS RDS database instance configured with encryption in transit", "types": ()},
    "CKV2_AWS_71": {
        "name": "Ensure AWS ACM Certificate domain name does not include wildcards",
        "types": ("AWS::CertificateManager::Certificate",),
    },
    "CKV2_AWS_72": {
        "name": "Ensure AWS CloudFront origin protocol policy enforces HTTPS-only",
        "types": ("AWS::CloudFront::Distribution",),
    },
    "CKV2_AWS_75": {"name": "Ensure no open CORS policy", "types": ()},
    "CKV_AWS_100": {
        "name": "Ensure AWS EKS node group does not have implicit SSH access from 0.0.0.0/0",
        "types": ("AWS::EKS::Nodegroup",),
    },
    "CKV_AWS_101": {"name": "Ensure Neptune logging is enabled", "types": ("AWS::Neptune::DBCluster",)},
    "CKV_AWS_103": {
        "name": "Ensure that Load Balancer Listener is using at least TLS v1.2",
        "types": ("AWS::ElasticLoadBalancingV2::Listener",),
    },
    "CKV_AWS_104": {
        "name": "Ensure DocumentDB has audit logs enabled",
        "types": ("AWS::DocDB::DBClusterParameterGroup",),
    },
    "CKV_AWS_105": {"name": "Ensure Redshift uses SSL", "types": ("AWS::Redshift::ClusterParameterGroup",)},
    "CKV_AWS_107": {
        "name": "Ensure IAM policies does not allow credentials exposure",
        "types": ("AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"),
    },
    "CKV_AWS_108": {
        "name": "Ensure IAM policies does not allow data exfiltration",
        "types": ("AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"),
    },
    "CKV_AWS_109": {
        "name": "Ensure IAM policies does not allow permissions management without constraints",
        "types": ("AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"),
    },
    "CKV_AWS_110": {
        "name": "Ensure IAM policies does not allow privilege escalation",
        "types": ("AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"),
    },
    "CKV_AWS_111": {
        "name": "Ensure IAM policies does not allow write access without constraints",
        "types": ("AWS::IAM::Group", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"),
    },
    "CKV_AWS_115": {
        "name": "Ensure that AWS Lambda function is configured for function-level concurrent execution limit",
        "types": ("AWS::Lambda::Function", "AWS::Serverless::Function"),
    },
    "CKV_AWS_116": {
        "name": "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)",
        "types": ("AWS::Lambda::Function", "AWS::Serverless::Function"),
    },
    "CKV_AWS_117": {
        "name": "Ensure that AWS Lambda function is configured inside a VPC",
        "types": ("AWS::Lambda::Function", "AWS::Serverless::Function"),
    },
    "CKV_AWS_118": {
        "name": "Ensure that enhanced monitoring is enabled for Amazon RDS instances",
        "types": ("AWS::RDS::DBInstance",),
    },
    "CKV_AWS_119": {
        "name": "Ensure DynamoDB Tables are encrypted using a KMS Customer Managed CMK",
        "types": ("AWS::DynamoDB::Table",),
    },
    "CKV_AWS_120": {
        "name": "Ensure API Gateway caching is enabled",
        "types": ("AWS::ApiGateway::Stage", "AWS::Serverless::Api"),
    },
    "CKV_AWS_123": {
        "name": "Ensure that VPC Endpoint Service is configured for Manual Acceptance",
        "types": ("AWS::EC2::VPCEndpointService",),
    },
    "CKV_AWS_131": {
        "name": "Ensure that ALB drops HTTP headers",
        "types": ("AWS::ElasticLoadBalancingV2::LoadBalancer",),
    },
    "CKV_AWS_136": {"name": "Ensure that ECR repositories are encrypted using KMS", "types": ("AWS::ECR::Repository",)},
    "CKV_AWS_149": {
        "name": "Ensure that Secrets Manager secret is encrypted using KMS CMK",
        "types": ("AWS::SecretsManager::Secret",),
    },
    "CKV_AWS_154": {"name": "Ensure Redshift is not deployed outside of a VPC", "types": ("AWS::Redshift::Cluster",)},
    "CKV_AWS_155": {
        "name": "Ensure that Workspace user volumes are encrypted",
        "types": ("AWS::WorkSpaces::Workspace",),
    },
    "CKV_AWS_156": {
        "name": "Ensure that Workspace root volumes are encrypted",
        "types": ("AWS::WorkSpaces::Workspace",),
    },
    "CKV_AWS_157": {"name": "Ensure that RDS instances have Multi-AZ enabled", "types": ("AWS::RDS::DBInstance",)},
    "CKV_AWS_158": {"name": "Ensure that CloudWatch Log Group is encrypted by KMS", "types": ("AWS::Logs::LogGroup",)},
    "CKV_AWS_16": {
        "name": "Ensure all data stored in the RDS is securely encrypted at rest",
        "types": ("AWS::RDS::DBInstance",),
    },
    "CKV_AWS_160": {
        "name": "Ensure that Timestream database is encrypted with KMS CMK",
        "types": ("AWS::Timestream::Database",),
    },
    "CKV_AWS_161": {"name": "Ensure RDS database has IAM authentication enabled", "types": ("AWS::RDS::DBInstance",)},
    "CKV_AWS_162": {"name": "Ensure RDS cluster has IAM authentication enabled", "types": ("AWS::RDS::DBCluster",)},
    "CKV_AWS_163": {"name": "Ensure ECR image scanning on push is enabled", "types": ("AWS::ECR::Repository",)},
    "CKV_AWS_164": {"name": "Ensure Transfer Server is not exposed publicly.", "types": ("AWS::Transfer::Server",)},
    "CKV_AWS_165": {
        "name": "Ensure DynamoDB global table point in time recovery (backup) is enabled",
        "types": ("AWS::DynamoDB::GlobalTable",),
    },
    "CKV_AWS_166": {
        "name": "Ensure Backup Vault is encrypted at rest using KMS CMK",
        "types": ("AWS::Backup::BackupVault",),
    },
    "CKV_AWS_17": {
        "name": "Ensure all data stored in RDS is not publicly accessible",
        "types": ("AWS::RDS::DBInstance",),
    },
    "CKV_AWS_170": {"name": "Ensure QLDB ledger permissions mode is set to STANDARD", "types": ("AWS::QLDB::Ledger",)},
    "CKV_AWS_172": {"name": "Ensure QLDB ledger has deletion protection enabled", "types": ("AWS::QLDB::Ledger",)},
    "CKV_AWS_173": {
        "name": "Check encryption settings for Lambda environment variable",
        "types": ("AWS::Lambda::Function", "AWS::Serverless::Function"),
    },
    "CKV_AWS_174": {
        "name": "Verify CloudFront Distribution Viewer Certificate is using TLS v1.2 or higher",
        "types": ("AWS::CloudFront::Distribution",),
    },
    "CKV_AWS_18": {"name": "Ensure the S3 bucket has access logging enabled", "types": ("AWS::S3::Bucket",)},
    "CKV_AWS_187": {
        "name": "Ensure Sagemaker domain and notebook instance are encrypted by KMS using a customer managed Key (CMK)",
        "types": ("AWS::SageMaker::Domain", "AWS::SageMaker::NotebookInstance"),
    },
    "CKV_AWS_19": {"name": "Ensure the S3 bucket has server-side-encryption enabled", "types": ("AWS::S3::Bucket",)},
    "CKV_AWS_192": {
        "name": "Ensure WAF prevents message lookup in Log4j2. See CVE-2021-44228 aka log4jshell",
        "types": ("AWS::WAFv2::WebACL",),
    },
    "CKV_AWS_193": {"name": "Ensure AppSync has Logging enabled", "types": ("AWS::AppSync::GraphQLApi",)},
    "CKV_AWS_194": {"name": "Ensure AppSync has Field-Level logs enabled", "types": ("AWS::AppSync::GraphQLApi",)},
    "CKV_AWS_195": {
        "name": "Ensure Glue component has a security configuration associated",
        "types": ("AWS::Glue::Crawler", "AWS::Glue::DevEndpoint", "AWS::Glue::Job"),
    },
    "CKV_AWS_197": {"name": "Ensure MQ Broker Audit logging is enabled", "types": ("AWS::AmazonMQ::Broker",)},
    "CKV_AWS_2": {"name": "Ensure ALB protocol is HTTPS", "types": ("AWS::ElasticLoadBalancingV2::Listener",)},
    "CKV_AWS_20": {
        "name": "Ensure the S3 bucket does not allow READ permissions to everyone",
        "types": ("AWS::S3::Bucket",),
    },
    "CKV_AWS_21": {"name": "Ensure the S3 bucket has versioning enabled", "types": ("AWS::S3::Bucket",)},
    "CKV_AWS_23": {
        "name": "Ensure every security groups rule has a description",
        "types": ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress", "AWS::EC2::SecurityGroupIngress"),
    },
    "CKV_AWS_24": {
        "name": "Ensure no security groups allow ingress from 0.0.0.0:0 to port 22",
        "types": ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
    },
    "CKV_AWS_25": {
        "name": "Ensure no security groups allow ingress from 0.0.0.0:0 to port 3389",
        "types": ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
    },
    "CKV_AWS_258": {"name": "Ensure that Lambda function URLs AuthType is not None", "types": ("AWS::Lambda::Url",)},
    "CKV_AWS_26": {"name": "Ensure all data stored in the SNS topic is encrypted", "types": ("AWS::SNS::Topic",)},
    "CKV_AWS_260": {
        "name": "Ensure no security groups allow ingress from 0.0.0.0:0 to port 80",
        "types": ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
    },
    "CKV_AWS_27": {"name": "Ensure all data stored in the SQS queue is encrypted", "types": ("AWS::SQS::Queue",)},
    "CKV_AWS_28": {
        "name": "Ensure DynamoDB point in time recovery (backup) is enabled",
        "types": ("AWS::DynamoDB::Table",),
    },
    "CKV_AWS_29": {
        "name": "Ensure all data stored in the ElastiCache Replication Group is securely encrypted at rest",
        "types": ("AWS::ElastiCache::ReplicationGroup",),
    },
    "CKV_AWS_291": {"name": "Ensure MSK nodes are private", "types": ("AWS::MSK::Cluster",)},
    "CKV_AWS_3": {"name": "Ensure all data stored in the EBS is securely encrypted", "types": ("AWS::EC2::Volume",)},
    "CKV_AWS_30": {
        "name": "Ensure all data stored in the ElastiCache Replication Group is securely encrypted at transit",
        "types": ("AWS::ElastiCache::ReplicationGroup",),
    },
    "CKV_AWS_31": {
        "name": "Ensure all data stored in the ElastiCache Replication Group is securely encrypted at transit "
        "and has auth token",
        "types": ("AWS::ElastiCache::ReplicationGroup",),
    },
    "CKV_AWS_317": {
        "name": "Ensure Elasticsearch Domain Audit Logging is enabled",
        "types": ("AWS::Elasticsearch::Domain", "AWS::OpenSearchService::Domain"),
    },
    "CKV_AWS_32": {"name": "Ensure ECR policy is not set to public", "types": ("AWS::ECR::Repository",)},
    "CKV_AWS_33": {
        "name": "Ensure KMS key policy does not contain wildcard (*) principal",
        "types": ("AWS::KMS::Key",),
    },
    "CKV_AWS_34": {
        "name": "Ensure CloudFront Distribution ViewerProtocolPolicy is set to HTTPS",
        "types": ("AWS::CloudFront::Distribution",),
    },
    "CKV_AWS_35": {
        "name": "Ensure CloudTrail logs are encrypted at rest using KMS CMKs",
        "types": ("AWS::CloudTrail::Trail",),
    },
    "CKV_AWS_36": {"name": "Ensure CloudTrail log file validation is enabled", "types": ("AWS::CloudTrail::Trail",)},
    "CKV_AWS_360": {
        "name": "Ensure DocumentDB has an adequate backup retention period",
        "types": ("AWS::DocDB::DBCluster",),
    },
    "CKV_AWS_361": {
        "name": "Ensure that Neptune DB cluster has automated backups enabled with adequate retention",
        "types": ("AWS::Neptune::DBCluster",),
    },
    "CKV_AWS_363": {
        "name": "Ensure Lambda Runtime is not deprecated",
        "types": ("AWS::Lambda::Function", "AWS::Serverless::Function"),
    },
    "CKV_AWS_364": {
        "name": "Ensure that AWS Lambda function permissions delegated to AWS services are limited by "
        "SourceArn or SourceAccount",
        "types": ("AWS::Lambda::Permission",),
    },
    "CKV_AWS_366": {
        "name": "Ensure AWS Cognito identity pool does not allow unauthenticated guest access",
        "types": ("AWS::Cognito::IdentityPool",),
    },
    "CKV_AWS_367": {
        "name": "Ensure Amazon Sagemaker Data Quality Job uses KMS to encrypt model artifacts",
        "types": ("AWS::SageMaker::DataQualityJobDefinition",),
    },
    "CKV_AWS_368": {
        "name": "Ensure Amazon Sagemaker Data Quality Job uses KMS to encrypt data on attached storage volume",
        "types": ("AWS::SageMaker::DataQualityJobDefinition",),
    },
    "CKV_AWS_369": {
        "name": "Ensure Amazon Sagemaker Data Quality Job encrypts all communications between instances used "
        "for monitoring jobs",
        "types": ("AWS::SageMaker::DataQualityJobDefinition",),
    },
    "CKV_AWS_370": {
        "name": "Ensure Amazon SageMaker model uses network isolation",
        "types": ("AWS::SageMaker::Model",),
    },
    "CKV_AWS_371": {
        "name": "Ensure Amazon SageMaker Notebook Instance only allows for IMDSv2",
        "types": ("AWS::SageMaker::NotebookInstance",),
    },
    "CKV_AWS_373": {"name": "Ensure Bedrock Agent is encrypted with a CMK", "types": ("AWS::Bedrock::Agent",)},
    "CKV_AWS_384": {
        "name": "Ensure no hard-coded secrets exist in Parameter Store values",
        "types": ("AWS::SSM::Parameter",),
    },
    "CKV_AWS_40": {
        "name": "Ensure IAM policies are attached only to groups or roles (Reducing access management "
        "complexity may in-turn reduce opportunity for a principal to inadvertently receive or retain "
        "excessive privileges.)",
        "types": ("AWS::IAM::Policy",),
    },
    "CKV_AWS_42": {"name": "Ensure EFS is securely encrypted", "types": ("AWS::EFS::FileSystem",)},
    "CKV_AWS_43": {"name": "Ensure Kinesis Stream is securely encrypted", "types": ("AWS::Kinesis::Stream",)},
    "CKV_AWS_44": {"name": "Ensure Neptune storage is securely encrypted", "types": ("AWS::Neptune::DBCluster",)},
    "CKV_AWS_45": {
        "name": "Ensure no hard-coded secrets exist in Lambda environment",
        "types": ("AWS::Lambda::Function", "AWS::Serverless::Function"),
    },
    "CKV_AWS_46": {"name": "Ensure no hard-coded secrets exist in EC2 user data", "types": ("AWS::EC2::Instance",)},
    "CKV_AWS_47": {"name": "Ensure DAX is encrypted at rest (default is unencrypted)", "types": ("AWS::DAX::Cluster",)},
    "CKV_AWS_5": {
        "name": "Ensure all data stored in the Elasticsearch is securely encrypted at rest",
        "types": ("AWS::Elasticsearch::Domain",),
    },
    "CKV_AWS_51": {"name": "Ensure ECR Image Tags are immutable", "types": ("AWS::ECR::Repository",)},
    "CKV_AWS_53": {"name": "Ensure S3 bucket has block public ACLs enabled", "types": ("AWS::S3::Bucket",)},
    "CKV_AWS_54": {"name": "Ensure S3 bucket has block public policy enabled", "types": ("AWS::S3::Bucket",)},
    "CKV_AWS_55": {"name": "Ensure S3 bucket has ignore public ACLs enabled", "types": ("AWS::S3::Bucket",)},
    "CKV_AWS_56": {"name": "Ensure S3 bucket has RestrictPublicBuckets enabled", "types": ("AWS::S3::Bucket",)},
    "CKV_AWS_57": {
        "name": "Ensure the S3 bucket does not allow WRITE permissions to everyone",
        "types": ("AWS::S3::Bucket",),
    },
    "CKV_AWS_58": {"name": "Ensure EKS Cluster has Secrets Encryption Enabled", "types": ("AWS::EKS::Cluster",)},
    "CKV_AWS_59": {
        "name": "Ensure there is no open access to back-end resources through API",
        "types": ("AWS::ApiGateway::Method",),
    },
    "CKV_AWS_6": {
        "name": "Ensure all Elasticsearch has node-to-node encryption enabled",
        "types": ("AWS::Elasticsearch::Domain",),
    },
    "CKV_AWS_60": {
        "name": "Ensure IAM role allows only specific services or principals to assume it",
        "types": ("AWS::IAM::Role",),
    },
    "CKV_AWS_61": {
        "name": "Ensure AWS IAM policy does not allow assume role permission across all services",
        "types": ("AWS::IAM::Role",),
    },
    "CKV_AWS_62": {
        "name": 'Ensure no IAM policies that allow full "*-*" administrative privileges are not created',
        "types": ("AWS::IAM::Group", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"),
    },
    "CKV_AWS_63": {
        "name": 'Ensure no IAM policies documents allow "*" as a statement\'s actions',
        "types": ("AWS::IAM::Group", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User"),
    },
    "CKV_AWS_64": {
        "name": "Ensure all data stored in the Redshift cluster is securely encrypted at rest",
        "types": ("AWS::Redshift::Cluster",),
    },
    "CKV_AWS_65": {"name": "Ensure container insights are enabled on ECS cluster", "types": ("AWS::ECS::Cluster",)},
    "CKV_AWS_66": {
        "name": "Ensure that CloudWatch Log Group specifies retention days",
        "types": ("AWS::Logs::LogGroup",),
    },
    "CKV_AWS_67": {"name": "Ensure CloudTrail is enabled in all Regions", "types": ("AWS::CloudTrail::Trail",)},
    "CKV_AWS_68": {
        "name": "CloudFront Distribution should have WAF enabled",
        "types": ("AWS::CloudFront::Distribution",),
    },
    "CKV_AWS_69": {
        "name": "Ensure Amazon MQ Broker should not have public access",
        "types": ("AWS::AmazonMQ::Broker",),
    },
    "CKV_AWS_7": {"name": "Ensure rotation for customer created CMKs is enabled", "types": ("AWS::KMS::Key",)},
    "CKV_AWS_71": {"name": "Ensure Redshift Cluster logging is enabled", "types": ("AWS::Redshift::Cluster",)},
    "CKV_AWS_73": {
        "name": "Ensure API Gateway has X-Ray Tracing enabled",
        "types": ("AWS::ApiGateway::Stage", "AWS::Serverless::Api"),
    },
    "CKV_AWS_74": {
        "name": "Ensure DocumentDB is encrypted at rest (default is unencrypted)",
        "types": ("AWS::DocDB::DBCluster",),
    },
    "CKV_AWS_76": {
        "name": "Ensure API Gateway has Access Logging enabled",
        "types": ("AWS::ApiGateway::Stage", "AWS::Serverless::Api"),
    },
    "CKV_AWS_78": {
        "name": "Ensure that CodeBuild Project encryption is not disabled",
        "types": ("AWS::CodeBuild::Project",),
    },
    "CKV_AWS_79": {
        "name": "Ensure Instance Metadata Service Version 1 is not enabled",
        "types": ("AWS::EC2::LaunchTemplate",),
    },
    "CKV_AWS_8": {
        "name": "Ensure all data stored in the Launch configuration EBS is securely encrypted",
        "types": ("AWS::AutoScaling::LaunchConfiguration",),
    },
    "CKV_AWS_80": {"name": "Ensure MSK Cluster logging is enabled", "types": ("AWS::MSK::Cluster",)},
    "CKV_AWS_81": {
        "name": "Ensure MSK Cluster encryption in rest and transit is enabled",
        "types": ("AWS::MSK::Cluster",),
    },
    "CKV_AWS_82": {
        "name": "Ensure Athena Workgroup should enforce configuration to prevent client disabling encryption",
        "types": ("AWS::Athena::WorkGroup",),
    },
    "CKV_AWS_83": {"name": "Ensure Elasticsearch Domain enforces HTTPS", "types": ("AWS::Elasticsearch::Domain",)},
    "CKV_AWS_84": {
        "name": "Ensure Elasticsearch Domain Logging is enabled",
        "types": ("AWS::Elasticsearch::Domain", "AWS::OpenSearchService::Domain"),
    },
    "CKV_AWS_85": {"name": "Ensure DocumentDB Logging is enabled", "types": ("AWS::DocDB::DBCluster",)},
    "CKV_AWS_86": {
        "name": "Ensure CloudFront Distribution has Access Logging enabled",
        "types": ("AWS::CloudFront::Distribution",),
    },
    "CKV_AWS_87": {"name": "Redshift cluster should not be publicly accessible", "types": ("AWS::Redshift::Cluster",)},
    "CKV_AWS_88": {
        "name": "EC2 instance should not have public IP.",
        "types": ("AWS::EC2::Instance", "AWS::EC2::LaunchTemplate"),
    },
    "CKV_AWS_89": {
        "name": "DMS replication instance should not be publicly accessible",
        "types": ("AWS::DMS::ReplicationInstance",),
    },
    "CKV_AWS_90": {"name": "Ensure DocumentDB TLS is not disabled", "types": ("AWS::DocDB::DBClusterParameterGroup",)},
    "CKV_AWS_91": {
        "name": "Ensure the ELBv2 (Application/Network) has access logging enabled",
        "types": ("AWS::ElasticLoadBalancingV2::LoadBalancer",),
    },
    "CKV_AWS_92": {
        "name": "Ensure the ELB has access logging enabled",
        "types": ("AWS::ElasticLoadBalancing::LoadBalancer",),
    },
    "CKV_AWS_94": {
        "name": "Ensure Glue Data Catalog Encryption is enabled",
        "types": ("AWS::Glue::DataCatalogEncryptionSettings",),
    },
    "CKV_AWS_95": {
        "name": "Ensure API Gateway V2 has Access Logging enabled",
        "types": ("AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi"),
    },
    "CKV_AWS_96": {
        "name": "Ensure all data stored in Aurora is securely encrypted at rest",
        "types": ("AWS::RDS::DBCluster",),
    },
    "CKV_AWS_97": {
        "name": "Ensure Encryption in transit is enabled for EFS volumes in ECS Task definitions",
        "types": ("AWS::ECS::TaskDefinition",),
    },
    "CKV_AWS_99": {
        "name": "Ensure Glue Security Configuration Encryption is enabled",
        "types": ("AWS::Glue::SecurityConfiguration",),
    },
}
