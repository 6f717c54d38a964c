create table accounts (id integer primary key autoincrement, email text not null);
