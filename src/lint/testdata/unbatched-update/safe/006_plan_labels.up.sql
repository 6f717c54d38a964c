UPDATE plans SET label = initcap(name);
