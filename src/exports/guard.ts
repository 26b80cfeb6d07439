/** `bulwark/guard`, kept for services that import the verifier from the product package: the same API as @bulwark/guard. */
export * from '@bulwark/guard';
